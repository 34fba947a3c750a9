// Strings and ids from the wire, for the full decoder: the part of a decode that allocates most.
// Short ASCII strings repeat (attribute keys, span names, http methods, service names), so they
// go through small interning tables and a repeat returns the string already built; ids repeat
// within a request (a trace's spans, parents, links) and go through tables of their own.
// Validation is the scanner's: invalid UTF-8 is refused.
import { Buffer } from 'node:buffer';
import { checkUtf8, type WireReader } from './wire-reader.ts';

// Buffer's own slice methods, called on the request's Uint8Array: one native call making one
// flat string, without the view object that TextDecoder.decode(buf.subarray(...)) needs. (They are
// what Buffer#toString dispatches to; toString itself adds an encoding lookup per call.)
type Slice = (this: Uint8Array, start: number, end: number) => string;
const bufferMethods = Buffer.prototype as unknown as { latin1Slice?: Slice; utf8Slice?: Slice };
const latin1Slice: Slice =
  bufferMethods.latin1Slice ??
  function (this: Uint8Array, start: number, end: number) {
    return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString('latin1', start, end);
  };
const utf8Slice: Slice =
  bufferMethods.utf8Slice ??
  function (this: Uint8Array, start: number, end: number) {
    return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString('utf8', start, end);
  };

/** Strings up to this many bytes are built in JS and interned; longer ones take one native call. */
export const SHORT_STRING = 32;
/** Keys up to this many bytes are interned. */
const SHORT_KEY = 64;

// Reused argument arrays for String.fromCharCode.apply, one per length: a string of n chars is
// then one call and one flat string. `s += String.fromCharCode(c)` made n strings (cons strings
// past 12 chars, flattened later); a native slice costs ~100 ns of call overhead at any length.
const charCodes: number[][] = Array.from({ length: SHORT_KEY + 1 }, (_, n) => new Array<number>(n).fill(0));

/** buf[start, end) as a string; every byte is below 0x80 and end - start <= SHORT_KEY. */
function asciiString(buf: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length <= 4) {
    // Up to 4 chars, appending is cheaper than filling an array (each step a tiny flat string).
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  const codes = charCodes[length];
  for (let i = 0; i < length; i++) codes[i] = buf[start + i];
  return String.fromCharCode.apply(null, codes);
}

/**
 * A direct-mapped table of recently built ASCII strings, indexed by a hash of their bytes, with
 * a copy of each one's bytes. A hit returns the string built before (no allocation, and repeated
 * values share one string in the decoded data); a collision only evicts, since the bytes are
 * compared in full. Hashing, the ASCII check and the compare read 4 bytes at a time through
 * DataViews (a char-by-char compare against the cached string measured ~15% of a decode).
 */
class StringTable {
  private readonly strings: string[];
  private readonly bytes: Uint8Array;
  private readonly words: DataView;
  private readonly width: number;
  private readonly shift: number;
  /** The slot of the last intern() and whether it was a hit (valid when it returned from the table). */
  slot = 0;
  hit = false;

  /** `slots` a power of two; strings up to `width` bytes. */
  constructor(slots: number, width: number) {
    this.strings = new Array<string>(slots).fill('');
    this.bytes = new Uint8Array(slots * width);
    this.words = new DataView(this.bytes.buffer);
    this.width = width;
    this.shift = 32 - Math.log2(slots);
  }

  /** buf[start, end), at most `width` bytes, seen through `view` (a DataView of the same bytes). */
  intern(view: DataView, buf: Uint8Array, start: number, end: number): string {
    const length = end - start;
    const wordsEnd = start + (length & ~3);
    let hash = length;
    let ascii = 0;
    for (let i = start; i < wordsEnd; i += 4) {
      const w = view.getInt32(i, true);
      ascii |= w;
      hash = Math.imul(hash ^ w, 0x01000193);
    }
    for (let i = wordsEnd; i < end; i++) {
      const c = buf[i];
      ascii |= c;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    if ((ascii & 0x80808080) !== 0) return longString(buf, start, end);
    // Fibonacci hashing: the top bits of the product depend on every bit of the hash.
    const slot = Math.imul(hash ^ (hash >>> 15), 0x9e3779b1) >>> this.shift;
    const at = slot * this.width;
    this.slot = slot;
    const cached = this.strings[slot];
    if (cached.length === length) {
      const words = this.words;
      let i = 0;
      while (i + 4 <= length && words.getInt32(at + i, true) === view.getInt32(start + i, true)) i += 4;
      if (i + 4 > length) {
        while (i < length && this.bytes[at + i] === buf[start + i]) i++;
        if (i === length) {
          this.hit = true;
          return cached;
        }
      }
    }
    this.hit = false;
    const s = asciiString(buf, start, end);
    const table = this.bytes;
    for (let i = 0; i < length; i++) table[at + i] = buf[start + i];
    this.strings[slot] = s;
    return s;
  }
}

const keys = new StringTable(1024, SHORT_KEY);
const values = new StringTable(2048, SHORT_STRING);

/** Strings past the short limit or with non-ASCII bytes: validated, then one native slice. */
function longString(buf: Uint8Array, start: number, end: number): string {
  let i = start;
  while (i < end && buf[i] < 0x80) i++;
  if (i === end) return latin1Slice.call(buf, start, end);
  checkUtf8(buf, i, end);
  // utf8Slice keeps a leading U+FEFF, which is data here (TextDecoder dropped it as a byte order mark).
  return utf8Slice.call(buf, start, end);
}

/** Reads a string field (names, versions, messages: values that repeat); `end` is the enclosing message's end. */
export function readString(r: WireReader, end: number): string {
  const stringEnd = r.lengthEnd(end);
  const start = r.pos;
  r.pos = stringEnd;
  if (stringEnd - start > SHORT_STRING) return longString(r.buf, start, stringEnd);
  return values.intern(r.view, r.buf, start, stringEnd);
}

/** Reads an attribute key: as readString, with a table of its own so values do not evict keys. */
export function readKey(r: WireReader, end: number): string {
  const keyEnd = r.lengthEnd(end);
  const start = r.pos;
  r.pos = keyEnd;
  if (keyEnd - start > SHORT_KEY) return longString(r.buf, start, keyEnd);
  const key = keys.intern(r.view, r.buf, start, keyEnd);
  keySlot = keys.slot;
  return key;
}

// Whether an attribute's string values repeat depends on its key: http.request.method does,
// user.id or url.full mostly not. Interning a value that never repeats costs a hash, a table
// write and keeps the string alive (measured ~10% of a decode of SDK spans whose values are
// mostly unique), so each key slot keeps a score of its values' hits and misses, and values of a
// key that keeps missing are built directly, with one in 64 still tried so a key can recover.
const valueScores = new Int8Array(1024);
let keySlot = 0;
let probes = 0;

/** Reads an AnyValue's string_value; interned or not by the score of the attribute key just read. */
export function readStringValue(r: WireReader, end: number): string {
  const stringEnd = r.lengthEnd(end);
  const buf = r.buf;
  const start = r.pos;
  r.pos = stringEnd;
  if (stringEnd - start > SHORT_STRING) return longString(buf, start, stringEnd);
  const slot = keySlot;
  const score = valueScores[slot];
  if (score < -8 && (++probes & 63) !== 0) {
    for (let i = start; i < stringEnd; i++) if (buf[i] >= 0x80) return longString(buf, start, stringEnd);
    return asciiString(buf, start, stringEnd);
  }
  const s = values.intern(r.view, buf, start, stringEnd);
  if (values.hit) valueScores[slot] = score < 0 ? 0 : score < 8 ? score + 1 : 8;
  else if (score > -16) valueScores[slot] = score - 1;
  return s;
}

export function readBytes(r: WireReader, end: number): Uint8Array {
  const bytesEnd = r.lengthEnd(end);
  const copy = r.buf.slice(r.pos, bytesEnd);
  r.pos = bytesEnd;
  return copy;
}
