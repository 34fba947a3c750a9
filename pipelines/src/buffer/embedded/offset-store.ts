// Committed consumer offsets: one small JSON file per group, `{ "<signal>": "<next offset>" }`,
// replaced atomically (write temp, fsync, rename, fsync the directory).
import { open, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { makeDurableDirectory, syncDirectory } from './sync-directory.ts';

interface GroupState {
  offsets: Map<string, bigint>;
  /** Bumped by every commit; `written` is the version last made durable. */
  version: number;
  written: number;
  inflight: Promise<void> | undefined;
}

const SUFFIX = '.json';

export class OffsetStore {
  readonly #dir: string;
  readonly #groups = new Map<string, GroupState>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async open(dir: string, logger: Logger): Promise<OffsetStore> {
    await makeDurableDirectory(dir);
    const store = new OffsetStore(dir);
    for (const file of await readdir(dir)) {
      if (!file.endsWith(SUFFIX)) continue;
      const group = decodeURIComponent(file.slice(0, -SUFFIX.length));
      const state = store.register(group);
      try {
        const parsed = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, string>;
        for (const [partition, offset] of Object.entries(parsed)) state.offsets.set(partition, BigInt(offset));
      } catch (error) {
        // Replaying from the oldest record is safe (deliveries are idempotent); refusing to start is not.
        logger.error(
          { err: error, group, file },
          'unreadable consumer offsets: the group restarts at the oldest record',
        );
        state.offsets.clear();
      }
    }
    return store;
  }

  /** Makes a group known (retention then waits for it) even before its first commit. */
  register(group: string): GroupState {
    let state = this.#groups.get(group);
    if (!state) {
      state = { offsets: new Map(), version: 0, written: 0, inflight: undefined };
      this.#groups.set(group, state);
    }
    return state;
  }

  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** The next offset the group reads in `partition`, if it committed one. */
  get(group: string, partition: string): bigint | undefined {
    return this.#groups.get(group)?.offsets.get(partition);
  }

  /**
   * The lowest offset committed by any known group: everything below it is consumed by all.
   * A known group without a commit for the partition counts as `fallback` (the log start).
   * Undefined when no group is known: then nothing counts as consumed.
   */
  minCommitted(partition: string, fallback: bigint): bigint | undefined {
    let min: bigint | undefined;
    for (const state of this.#groups.values()) {
      const offset = state.offsets.get(partition) ?? fallback;
      if (min === undefined || offset < min) min = offset;
    }
    return min;
  }

  /** Resolves once a file holding this commit (or a later one) is durable. */
  async commit(group: string, partition: string, offset: bigint): Promise<void> {
    const state = this.register(group);
    state.offsets.set(partition, offset);
    const wanted = ++state.version;
    // Concurrent commits of one group (one per signal) share writes: the latest state wins.
    while (state.written < wanted) {
      if (state.inflight) {
        await state.inflight.catch(() => {});
        continue;
      }
      const version = state.version;
      const write = this.#write(group, state).then(() => {
        state.written = Math.max(state.written, version);
      });
      state.inflight = write.finally(() => {
        state.inflight = undefined;
      });
      await state.inflight;
    }
  }

  async #write(group: string, state: GroupState): Promise<void> {
    const file = join(this.#dir, encodeURIComponent(group) + SUFFIX);
    const temp = `${file}.tmp`;
    const body: Record<string, string> = {};
    for (const [partition, offset] of state.offsets) body[partition] = offset.toString();
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(body));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncDirectory(this.#dir);
  }
}
