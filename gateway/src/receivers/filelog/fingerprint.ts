// A file's identity across restarts and rotations: its first bytes (up to `size`), as the
// Collector's filelog receiver does. Inode numbers are reused and change with copies, the first
// bytes of a log file do not (they hold its first timestamped line).
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';

export class Fingerprint {
  readonly #size: number;
  #bytes: Buffer = Buffer.alloc(0);
  #hash = '';

  constructor(size: number) {
    this.#size = size;
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** Still shorter than `size`: read again as the file grows. */
  get growing(): boolean {
    return this.#bytes.length < this.#size;
  }

  /** sha256 of the fingerprint bytes (what checkpoints store). */
  get hash(): string {
    return this.#hash;
  }

  get bytes(): Buffer {
    return this.#bytes;
  }

  /** Re-reads the first bytes when the file now holds more of them than the fingerprint. */
  refresh(fd: number, available: number): void {
    const want = Math.min(this.#size, available);
    if (want <= this.#bytes.length) return;
    const bytes = Buffer.allocUnsafe(want);
    const read = readSync(fd, bytes, 0, want, 0);
    this.#bytes = bytes.subarray(0, read);
    this.#hash = hashOf(this.#bytes);
  }

  /** The file still starts with the bytes seen before (false after copytruncate and rewrite). */
  matches(fd: number, fileSize: number): boolean {
    const length = this.#bytes.length;
    if (length === 0) return true;
    if (fileSize < length) return false;
    const current = Buffer.allocUnsafe(length);
    const read = readSync(fd, current, 0, length, 0);
    return read === length && current.equals(this.#bytes);
  }

  reset(): void {
    this.#bytes = Buffer.alloc(0);
    this.#hash = '';
  }
}

export function hashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url');
}
