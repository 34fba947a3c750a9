// Positioned reads of a database file through a small, fixed cache of pages. The file is never
// held whole (nor mmap-ed, whose touched pages count in the process's RSS): pread copies a page
// from the kernel's page cache, and only the pages recent lookups touched stay here. Pages are
// 512 bytes, not 4 KiB: a lookup uses ~7 bytes of each deep tree node it reads, so small pages
// keep four times more of the tree's hot paths in the same memory (a 2,000-address working set
// ran ~2x faster than with 4 KiB pages; loadtest/bench/scenarios/geoip-lookup.ts).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MmdbError } from './mmdb-error.ts';

export const PAGE_SIZE = 512;
/** How often, at most, a page miss checks that the file was not overwritten in place. */
const CHANGE_CHECK_INTERVAL_MS = 50;

/** Bytes read at a position; the decoder reads both a file and an in-memory buffer through it. */
export interface ByteSource {
  readonly size: number;
  byte(position: number): number;
  /** `length` bytes from `position`; a view that the caller must not keep or change. */
  bytes(position: number, length: number): Buffer;
}

export class BufferSource implements ByteSource {
  readonly size: number;
  private readonly buffer: Buffer;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
    this.size = buffer.length;
  }

  byte(position: number): number {
    if (position >= this.size) throw new MmdbError(`read at ${position} past the end (${this.size} bytes)`);
    return this.buffer[position];
  }

  bytes(position: number, length: number): Buffer {
    if (position + length > this.size) throw new MmdbError(`read at ${position} past the end (${this.size} bytes)`);
    return this.buffer.subarray(position, position + length);
  }
}

export class FilePages implements ByteSource {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /** Every cached page, PAGE_SIZE bytes a slot: one allocation, reused (no garbage per page read). */
  readonly slab: Buffer;
  private readonly fd: number;
  private readonly slotOfPage = new Map<number, number>();
  private readonly pageOfSlot: Int32Array;
  // Clock (second-chance) eviction: a hit only sets a bit, cheaper than reordering an LRU list.
  private readonly referenced: Uint8Array;
  private hand = 0;
  private closed = false;
  private checkedAt = 0;

  constructor(path: string, maxPages: number) {
    this.path = path;
    this.fd = openSync(path, 'r');
    const info = fstatSync(this.fd);
    this.size = info.size;
    this.mtimeMs = info.mtimeMs;
    this.ino = info.ino;
    const slots = Math.max(2, Math.min(maxPages, Math.ceil(this.size / PAGE_SIZE)));
    this.slab = Buffer.alloc(slots * PAGE_SIZE);
    this.pageOfSlot = new Int32Array(slots).fill(-1);
    this.referenced = new Uint8Array(slots);
  }

  byte(position: number): number {
    if (position >= this.size || position < 0) throw this.pastEnd(position);
    return this.slab[this.at(position)];
  }

  bytes(position: number, length: number): Buffer {
    if (position + length > this.size || position < 0) throw this.pastEnd(position + length);
    if ((position % PAGE_SIZE) + length <= PAGE_SIZE) {
      const at = this.at(position);
      return this.slab.subarray(at, at + length);
    }
    // Spans pages (a long string, the metadata): read once, not cached.
    const out = Buffer.allocUnsafe(length);
    this.readFully(out, 0, length, position);
    return out;
  }

  /**
   * Where the byte at `position` is in `slab`, reading its page in if needed; the rest of its
   * page follows it there. Valid until the next call (which may evict the page).
   */
  at(position: number): number {
    const index = Math.floor(position / PAGE_SIZE);
    let slot = this.slotOfPage.get(index);
    if (slot === undefined) slot = this.load(index);
    else this.referenced[slot] = 1;
    return slot * PAGE_SIZE + (position - index * PAGE_SIZE);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.slotOfPage.clear();
    closeSync(this.fd);
  }

  private load(index: number): number {
    if (this.closed) throw new MmdbError(`${this.path}: read after close`);
    // Check on page misses, at most every 50 ms, that the file is still the one the metadata
    // describes (an in-place overwrite would mix two databases); a rename leaves our inode alone.
    const now = performance.now();
    if (now - this.checkedAt >= CHANGE_CHECK_INTERVAL_MS) {
      const info = fstatSync(this.fd);
      if (info.size !== this.size || info.mtimeMs !== this.mtimeMs) {
        throw new MmdbError(`${this.path}: the file changed since it was opened (replace it by rename, not in place)`);
      }
      this.checkedAt = now;
    }
    while (this.referenced[this.hand] === 1) {
      this.referenced[this.hand] = 0;
      this.hand = (this.hand + 1) % this.pageOfSlot.length;
    }
    const slot = this.hand;
    this.hand = (this.hand + 1) % this.pageOfSlot.length;
    const old = this.pageOfSlot[slot];
    if (old >= 0) this.slotOfPage.delete(old);
    this.pageOfSlot[slot] = -1;
    const position = index * PAGE_SIZE;
    this.readFully(this.slab, slot * PAGE_SIZE, Math.min(PAGE_SIZE, this.size - position), position);
    this.pageOfSlot[slot] = index;
    this.slotOfPage.set(index, slot);
    this.referenced[slot] = 1;
    return slot;
  }

  /** Reads `length` bytes at `position` into `into` at `offset`, bypassing the page cache. */
  readFully(into: Buffer, offset: number, length: number, position: number): void {
    if (this.closed) throw new MmdbError(`${this.path}: read after close`);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, into, offset + done, length - done, position + done);
      if (n === 0)
        throw new MmdbError(`${this.path}: the file ends at ${position + done}, expected ${this.size} bytes`);
      done += n;
    }
  }

  private pastEnd(position: number): MmdbError {
    return new MmdbError(`${this.path}: read at ${position} past the end of the file (${this.size} bytes)`);
  }
}
