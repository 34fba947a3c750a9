// Committed consumer offsets: one small JSON file per group, `{ "<signal>": "<next offset>" }`,
// replaced atomically (write temp, fsync, rename, fsync the directory).
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { makeDurableDirectory, syncDirectory } from './sync-directory.ts';

interface GroupState {
  offsets: Map<string, bigint>;
  /** Bumped by every commit; `written` is the version last made durable. */
  version: number;
  written: number;
  inflight: Promise<void> | undefined;
  /** Opened as a consumer by this process: never expires. */
  live: boolean;
  /** Last commit (the file's mtime for groups found on open). */
  lastCommitMs: number;
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
      const state = store.#state(group);
      try {
        state.lastCommitMs = (await stat(join(dir, file))).mtimeMs;
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

  /** A consumer of `group` runs in this process: retention waits for it, however long it takes. */
  register(group: string): void {
    this.#state(group).live = true;
  }

  #state(group: string): GroupState {
    let state = this.#groups.get(group);
    if (!state) {
      state = {
        offsets: new Map(),
        version: 0,
        written: 0,
        inflight: undefined,
        live: false,
        lastCommitMs: Date.now(),
      };
      this.#groups.set(group, state);
    }
    return state;
  }

  /** Forgets a group for good (its file is deleted): retention stops waiting for it. */
  async remove(group: string): Promise<boolean> {
    const state = this.#groups.get(group);
    if (!state || state.live) return false;
    this.#groups.delete(group);
    await unlink(join(this.#dir, encodeURIComponent(group) + SUFFIX)).catch(() => {});
    await syncDirectory(this.#dir);
    return true;
  }

  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** The next offset the group reads in `partition`, if it committed one. */
  get(group: string, partition: string): bigint | undefined {
    return this.#groups.get(group)?.offsets.get(partition);
  }

  /**
   * The lowest offset committed by any group retention waits for: everything below it is consumed
   * by all. Those are the groups consuming in this process, and groups found on disk that
   * committed within `expiryMs` (a group renamed or retired long ago must not hold the log
   * forever). A group without a commit for the partition counts as `fallback` (the log start).
   * Undefined when there is no such group: then nothing counts as consumed.
   */
  minCommitted(partition: string, fallback: bigint, expiryMs = Number.POSITIVE_INFINITY): bigint | undefined {
    const now = Date.now();
    let min: bigint | undefined;
    for (const state of this.#groups.values()) {
      if (!state.live && now - state.lastCommitMs > expiryMs) continue;
      const offset = state.offsets.get(partition) ?? fallback;
      if (min === undefined || offset < min) min = offset;
    }
    return min;
  }

  /** Resolves once a file holding this commit (or a later one) is durable. */
  async commit(group: string, partition: string, offset: bigint): Promise<void> {
    const state = this.#state(group);
    state.offsets.set(partition, offset);
    state.lastCommitMs = Date.now();
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
