// Protobuf wire primitives for writing into one pre-sized buffer. The encoder first walks the
// data computing every nested message's length (in pre-order, into `sizes`), allocates once,
// then walks again writing; the writer consumes `sizes` in the same order.
import { OtelgateError } from '../errors/error-kinds.ts';

const encoder = new TextEncoder();

/** Bytes of `n` as a varint: 0 <= n < 2^53 (negatives, as int64, take 10). */
export function varintSize(n: number): number {
  if (n < 0) return 10;
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  if (n < 2 ** 35) return 5;
  if (n < 2 ** 42) return 6;
  if (n < 2 ** 49) return 7;
  return 8;
}

/**
 * Writes `n` (0 <= n < 2^53) as a varint at `pos`; returns the position after it. The one varint
 * writer of the codec, the re-slicing of requests, remote write, the gRPC status and the Kafka client.
 */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  // Above 31 bits (millisecond timestamps, large lengths): 7 bits at a time in float arithmetic
  // until the rest fits the integer fast path.
  while (n > 0x7fffffff) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** Writes the tag (field < 16, length-delimited) and length of a field at `pos`; returns the position after them. */
export function writeFieldHeader(buf: Uint8Array, pos: number, field: number, len: number): number {
  buf[pos++] = (field << 3) | 2;
  return writeVarint(buf, pos, len);
}

export function varint64Size(n: bigint): number {
  let v = BigInt.asUintN(64, n);
  if (v < 0x80n) return 1;
  let size = 0;
  while (v > 0n) {
    size++;
    v >>= 7n;
  }
  return size;
}

/** UTF-8 length of a JS string; lone surrogates count as U+FFFD (3 bytes), as TextEncoder writes them. */
export function utf8Length(s: string): number {
  const n = s.length;
  let size = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) size += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 2; // surrogate pair: 4 bytes for 2 code units
      i++;
    } else size += 2;
  }
  return size;
}

/** Size of a length-delimited field with a 1-byte tag and payload `len`. */
export function lenField(len: number): number {
  return 1 + varintSize(len) + len;
}

/** Size of a non-empty string field with a 1-byte tag; 0 for the empty string (omitted). */
export function stringField(s: string): number {
  return s.length === 0 ? 0 : lenField(utf8Length(s));
}

/** Nested message lengths in pre-order; reused between encodes (they are synchronous). */
export class SizeList {
  data = new Int32Array(4096);
  length = 0;
}

/**
 * Reserves a slot for the length of a nested message: call it before computing the child
 * (arguments are evaluated left to right), then `sub(sizes, slot, childLength)`.
 */
export function reserve(sizes: SizeList): number {
  if (sizes.length === sizes.data.length) {
    const grown = new Int32Array(sizes.data.length * 2);
    grown.set(sizes.data);
    sizes.data = grown;
  }
  return sizes.length++;
}

/** Records a nested message length in its reserved slot; returns the field size (1-byte tag). */
export function sub(sizes: SizeList, slot: number, len: number): number {
  sizes.data[slot] = len;
  return 1 + varintSize(len) + len;
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[97 + i] = 10 + i;
  HEX_VALUE[65 + i] = 10 + i;
}

export class WireWriter {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  readonly sizes: Int32Array;
  /** Next entry of `sizes` to consume. */
  next = 0;

  constructor(size: number, sizes: Int32Array) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
    this.sizes = sizes;
  }

  uint32(n: number): void {
    this.pos = writeVarint(this.buf, this.pos, n >>> 0);
  }

  /** int32 / enum: negative values are sign-extended to 10 bytes, as protobuf requires. */
  int32(n: number): void {
    if (n >= 0) this.uint32(n);
    else this.uint64(BigInt(n));
  }

  uint64(n: bigint): void {
    let v = BigInt.asUintN(64, n);
    if (v < 0x100000000n) {
      this.uint32(Number(v));
      return;
    }
    const buf = this.buf;
    while (v >= 0x80n) {
      buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    buf[this.pos++] = Number(v);
  }

  sint32(n: number): void {
    this.uint32(((n << 1) ^ (n >> 31)) >>> 0);
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  /** Writes the length of the next nested message (from the size pass). */
  len(): void {
    this.uint32(this.sizes[this.next++]);
  }

  fixed32(n: number): void {
    this.view.setUint32(this.pos, n >>> 0, true);
    this.pos += 4;
  }

  fixed64(n: bigint): void {
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, n), true);
    this.pos += 8;
  }

  sfixed64(n: bigint): void {
    this.view.setBigInt64(this.pos, BigInt.asIntN(64, n), true);
    this.pos += 8;
  }

  double(n: number): void {
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  /** Writes length and bytes of a string (the length is recomputed: cheaper than storing it). */
  string(s: string): void {
    const n = s.length;
    const buf = this.buf;
    if (n < 64) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        buf[this.pos++] = n;
        for (let i = 0; i < n; i++) buf[this.pos++] = s.charCodeAt(i);
        return;
      }
    }
    const len = utf8Length(s);
    this.uint32(len);
    const written = encoder.encodeInto(s, buf.subarray(this.pos, this.pos + len)).written;
    this.pos += written;
  }

  bytes(b: Uint8Array): void {
    this.uint32(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes a hex id as its bytes (length prefix included). */
  hexId(hex: string): void {
    const n = hex.length >>> 1;
    const buf = this.buf;
    buf[this.pos++] = n;
    for (let i = 0; i < n; i++) {
      buf[this.pos++] = (HEX_VALUE[hex.charCodeAt(2 * i)] << 4) | HEX_VALUE[hex.charCodeAt(2 * i + 1)];
    }
  }
}

/** Size of an id field (tag, length, bytes); 0 when empty. Throws unless `hex` is 2*size hex digits. */
export function idField(hex: string, size: number, name: string): number {
  if (hex.length === 0) return 0;
  if (hex.length !== size * 2 || !isHex(hex)) {
    throw new OtelgateError('invalid-argument', `${name}: "${hex.slice(0, 40)}" is not ${size} bytes of hex`);
  }
  return 2 + size;
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || HEX_VALUE[c] < 0) return false;
  }
  return true;
}
