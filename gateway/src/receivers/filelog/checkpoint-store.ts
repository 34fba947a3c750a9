// Where each followed file was durable up to, keyed by fingerprint (the hash of a file's first
// bytes and how many), so a file is recognised after a restart under a new name (rotated) and a
// new file under an old name is not mistaken for it.
//
// Written after every append into one of two slot files in turn (checkpoints-a.json,
// checkpoints-b.json), each holding a sequence number and a hash of its content, with a plain
// write at offset 0 and a truncate: no rename per append (a journal write each on a busy disk).
// A kill at any instant leaves at least one whole slot; the newest whole one is read at start.
// Not fsynced: a process kill keeps the page cache; after a machine crash an older slot may
// replay some lines (at-least-once), it never skips any.
import { closeSync, constants, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
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
  sequence: number;
  files: Checkpoint[];
}

const SLOTS = ['checkpoints-a.json', 'checkpoints-b.json'];

/** The slot's content if it is whole (its hash matches), else undefined. */
function readSlot(path: string): CheckpointFile | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const end = text.indexOf('\n');
  if (end < 0) return undefined;
  const body = text.slice(0, end);
  if (text.slice(end + 1, end + 1 + 43) !== hashOf(Buffer.from(body, 'utf8'))) return undefined;
  try {
    return JSON.parse(body) as CheckpointFile;
  } catch {
    return undefined;
  }
}

export class CheckpointStore {
  readonly #fds: number[];
  #sequence = 0;
  /** Checkpoints read at start and not yet claimed by a file. */
  #unclaimed: Checkpoint[] = [];
  /** Whether a checkpoint existed at start (`startAt` only applies on a first start). */
  readonly existed: boolean;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const paths = SLOTS.map((slot) => join(dir, slot));
    this.existed = paths.some((path) => existsSync(path));
    let newest: CheckpointFile | undefined;
    for (const path of paths) {
      const slot = readSlot(path);
      if (slot && (!newest || slot.sequence > newest.sequence)) newest = slot;
    }
    if (newest) {
      this.#sequence = newest.sequence;
      this.#unclaimed = Array.isArray(newest.files) ? newest.files : [];
    }
    // Read-write, created if missing, not O_APPEND: every write goes to offset 0.
    this.#fds = paths.map((path) => openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644));
  }

  close(): void {
    for (const fd of this.#fds) closeSync(fd);
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

  /** Gives a claimed checkpoint back (its file is not ready to take it yet). */
  unclaim(checkpoint: Checkpoint): void {
    this.#unclaimed.push(checkpoint);
  }

  /** Forgets checkpoints no file claimed (files gone while we were down). */
  dropUnclaimed(): void {
    this.#unclaimed = [];
  }

  /** Writes the older slot (the newer one stays whole whatever happens to this write). */
  write(files: Checkpoint[]): void {
    this.#sequence++;
    const content: CheckpointFile = { version: 1, sequence: this.#sequence, files: [...files, ...this.#unclaimed] };
    const body = JSON.stringify(content);
    const record = Buffer.from(`${body}\n${hashOf(Buffer.from(body, 'utf8'))}\n`, 'utf8');
    const fd = this.#fds[this.#sequence % 2];
    writeSync(fd, record, 0, record.length, 0);
    ftruncateSync(fd, record.length);
  }
}
