// Where each followed file was durable up to, kept in `<storageDir>/checkpoints.json` and keyed by
// fingerprint (the hash of a file's first bytes and how many), so a file is recognised after a
// restart under a new name (rotated) and a new file under an old name is not mistaken for it.
//
// Written after every durable append: to a temporary file, then renamed over the old one, so a
// kill at any instant leaves one whole version. Not fsynced: a process kill keeps the page cache;
// after a machine crash an older version replays some lines (at-least-once), it never skips any.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashOf } from './fingerprint.ts';

export interface Checkpoint {
  /** sha256 of the file's first `length` bytes. */
  hash: string;
  length: number;
  offset: number;
  /** Where the file was last seen: preferred when two files could claim a checkpoint. */
  path: string;
  /**
   * Written before an append and cleared after it: the lines from `offset` up to each `to` (in
   * order) were being appended with that observed time (ns, as a string); whether they arrived
   * is not known.
   */
  pending?: { to: number; observedTimeUnixNano: string }[];
}

interface CheckpointFile {
  version: 1;
  files: Checkpoint[];
}

export class CheckpointStore {
  readonly #file: string;
  readonly #temporary: string;
  /** Checkpoints read at start and not yet claimed by a file. */
  #unclaimed: Checkpoint[] = [];
  /** Whether a checkpoint file existed at start (`startAt` only applies on a first start). */
  readonly existed: boolean;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.#file = join(dir, 'checkpoints.json');
    this.#temporary = join(dir, 'checkpoints.json.tmp');
    this.existed = existsSync(this.#file);
    if (this.existed) {
      const parsed = JSON.parse(readFileSync(this.#file, 'utf8')) as CheckpointFile;
      this.#unclaimed = Array.isArray(parsed.files) ? parsed.files : [];
    }
  }

  /** The checkpoint of the file starting with `firstBytes` (first one for `path`), removed from the unclaimed. */
  claim(path: string, firstBytes: Buffer): Checkpoint | undefined {
    if (this.#unclaimed.length === 0 || firstBytes.length === 0) return undefined;
    const hashes = new Map<number, string>();
    const matches = (checkpoint: Checkpoint) => {
      if (checkpoint.length === 0 || checkpoint.length > firstBytes.length) return false;
      let hash = hashes.get(checkpoint.length);
      if (hash === undefined) {
        hash = hashOf(firstBytes.subarray(0, checkpoint.length));
        hashes.set(checkpoint.length, hash);
      }
      return hash === checkpoint.hash;
    };
    let index = this.#unclaimed.findIndex((checkpoint) => checkpoint.path === path && matches(checkpoint));
    if (index < 0) index = this.#unclaimed.findIndex(matches);
    if (index < 0) return undefined;
    const [checkpoint] = this.#unclaimed.splice(index, 1);
    return checkpoint;
  }

  /** Forgets checkpoints no file claimed (files gone while we were down). */
  dropUnclaimed(): void {
    this.#unclaimed = [];
  }

  write(files: Checkpoint[]): void {
    const content: CheckpointFile = { version: 1, files: [...files, ...this.#unclaimed] };
    writeFileSync(this.#temporary, JSON.stringify(content));
    renameSync(this.#temporary, this.#file);
  }
}
