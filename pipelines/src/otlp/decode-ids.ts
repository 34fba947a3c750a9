// Trace and span ids from the wire as lowercase hex strings (the data model's form), for the full
// decoder. Length is checked (16 and 8 bytes, or empty); recently seen ids come from a table.
import { WireError } from './wire-error.ts';
import type { WireReader } from './wire-reader.ts';

// Char codes of '0'..'9', 'a'..'f' for a nibble.
const HEX_CHAR = new Uint8Array(Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0)));

/** Reads an id field as lowercase hex; `size` is 16 for trace ids, 8 for span ids; empty is allowed. */
export function readId(r: WireReader, end: number, size: number): string {
  const idEnd = r.lengthEnd(end);
  const start = r.pos;
  const length = idEnd - start;
  if (length === 0) return '';
  if (length !== size) throw new WireError(`${size === 16 ? 'trace' : 'span'} id of ${length} bytes, expected ${size}`);
  r.pos = idEnd;
  return size === 8 ? spanIds.hexOf(r.buf, start) : traceIds.hexOf(r.buf, start);
}

/**
 * Recently decoded ids by their bytes. Ids repeat within a request: every span of a trace carries
 * its trace id, parent span ids and links name spans seen just before. A hit costs a hash and a
 * byte compare and returns the same string; a miss builds the hex string and takes the slot.
 * Direct-mapped, so a colliding id only evicts (the bytes are compared in full, never trusted
 * from the hash).
 */
class IdTable {
  private readonly bytes: Uint8Array;
  private readonly strings: string[];
  private readonly size: 8 | 16;
  private readonly mask: number;

  constructor(size: 8 | 16, slots: number) {
    this.size = size;
    this.mask = slots - 1;
    this.bytes = new Uint8Array(slots * size);
    this.strings = new Array<string>(slots).fill('');
  }

  hexOf(b: Uint8Array, i: number): string {
    const size = this.size;
    // Every byte takes part: SDK ids are random, but hand-made ones are often counters padded with zeros.
    let h =
      (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) ^
      (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24));
    if (size === 16) {
      h ^=
        (b[i + 8] | (b[i + 9] << 8) | (b[i + 10] << 16) | (b[i + 11] << 24)) ^
        (b[i + 12] | (b[i + 13] << 8) | (b[i + 14] << 16) | (b[i + 15] << 24));
    }
    const slot = (Math.imul(h, 0x9e3779b1) >>> 16) & this.mask;
    const table = this.bytes;
    const at = slot * size;
    let k = 0;
    while (k < size && table[at + k] === b[i + k]) k++;
    const cached = this.strings[slot];
    // An all-zero id matches a never-used slot's bytes; the '' there tells the two apart.
    if (k === size && cached !== '') return cached;
    const hex = size === 8 ? hex8(b, i) : hex16(b, i);
    for (k = 0; k < size; k++) table[at + k] = b[i + k];
    this.strings[slot] = hex;
    return hex;
  }
}

const traceIds = new IdTable(16, 512);
const spanIds = new IdTable(8, 1024);

/**
 * Eight bytes as 16 lowercase hex digits: one String.fromCharCode call with 16 arguments makes one
 * flat string (concatenating 2-digit pieces made up to 15 intermediate strings; a native hexSlice
 * call measured 2-3x slower for ids this short).
 */
function hex8(b: Uint8Array, i: number): string {
  const h = HEX_CHAR;
  const b0 = b[i];
  const b1 = b[i + 1];
  const b2 = b[i + 2];
  const b3 = b[i + 3];
  const b4 = b[i + 4];
  const b5 = b[i + 5];
  const b6 = b[i + 6];
  const b7 = b[i + 7];
  return String.fromCharCode(
    h[b0 >> 4],
    h[b0 & 15],
    h[b1 >> 4],
    h[b1 & 15],
    h[b2 >> 4],
    h[b2 & 15],
    h[b3 >> 4],
    h[b3 & 15],
    h[b4 >> 4],
    h[b4 & 15],
    h[b5 >> 4],
    h[b5 & 15],
    h[b6 >> 4],
    h[b6 & 15],
    h[b7 >> 4],
    h[b7 & 15],
  );
}

/** Sixteen bytes as 32 hex digits, one flat string (as hex8; two halves joined would be a cons string). */
function hex16(b: Uint8Array, i: number): string {
  const h = HEX_CHAR;
  return String.fromCharCode(
    h[b[i + 0] >> 4],
    h[b[i + 0] & 15],
    h[b[i + 1] >> 4],
    h[b[i + 1] & 15],
    h[b[i + 2] >> 4],
    h[b[i + 2] & 15],
    h[b[i + 3] >> 4],
    h[b[i + 3] & 15],
    h[b[i + 4] >> 4],
    h[b[i + 4] & 15],
    h[b[i + 5] >> 4],
    h[b[i + 5] & 15],
    h[b[i + 6] >> 4],
    h[b[i + 6] & 15],
    h[b[i + 7] >> 4],
    h[b[i + 7] & 15],
    h[b[i + 8] >> 4],
    h[b[i + 8] & 15],
    h[b[i + 9] >> 4],
    h[b[i + 9] & 15],
    h[b[i + 10] >> 4],
    h[b[i + 10] & 15],
    h[b[i + 11] >> 4],
    h[b[i + 11] & 15],
    h[b[i + 12] >> 4],
    h[b[i + 12] & 15],
    h[b[i + 13] >> 4],
    h[b[i + 13] & 15],
    h[b[i + 14] >> 4],
    h[b[i + 14] & 15],
    h[b[i + 15] >> 4],
    h[b[i + 15] & 15],
  );
}
