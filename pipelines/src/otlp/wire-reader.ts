// Protobuf wire primitives for reading, bounds-checked. Every read takes the end of the
// enclosing message so a nested length can never reach past its parent. Failures throw a
// WireError with a short detail; the message walkers add the path while the stack unwinds
// (see wire-error.ts), so the happy path never builds a path string.
import { isUtf8 } from 'node:buffer';
import { WireError } from './wire-error.ts';

export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** Where int64() / uint64() assemble the rare values beyond 2^53 (see there). */
const scratchView = new DataView(new ArrayBuffer(8));

export class WireReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  /** Set by varint64(): the low and high 32 bits of the last 64-bit varint. */
  lo = 0;
  hi = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Reads a tag; returns fieldNumber << 3 | wireType. Field number 0 is invalid. */
  tag(end: number): number {
    const tag = this.uint32(end);
    if (tag >>> 3 === 0) throw new WireError('invalid field number 0');
    return tag;
  }

  /** A varint truncated to its low 32 bits, unsigned (uint32, enum bits, tags). */
  uint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw new WireError('truncated varint');
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    for (let shift = 7; shift < 35; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint');
      b = buf[pos++];
      value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    // Bytes 6..10 only carry bits above 32: skip them, but a varint never exceeds 10 bytes.
    for (let i = 5; i < 10; i++) {
      if (pos >= end) throw new WireError('truncated varint');
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new WireError('varint longer than 10 bytes');
  }

  int32(end: number): number {
    return this.uint32(end) | 0;
  }

  sint32(end: number): number {
    const n = this.uint32(end);
    return (n >>> 1) ^ -(n & 1);
  }

  /** Reads a 64-bit varint into this.lo / this.hi. */
  varint64(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint');
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) throw new WireError('truncated varint');
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; shift < 32; shift += 7) {
        if (pos >= end) throw new WireError('truncated varint');
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      if (b >= 0x80) throw new WireError('varint longer than 10 bytes');
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  // 64-bit integers become one BigInt each: below 2^53 in magnitude through an exact double
  // (BigInt(number)), beyond it through the scratch DataView (getBig*64), instead of the four
  // BigInts that `(BigInt(hi) << 32n) | BigInt(lo)` allocates.
  uint64(end: number): bigint {
    this.varint64(end);
    const hi = this.hi;
    if (hi < 0x200000) return BigInt(hi * 4294967296 + this.lo);
    scratchView.setUint32(0, this.lo, true);
    scratchView.setUint32(4, hi, true);
    return scratchView.getBigUint64(0, true);
  }

  int64(end: number): bigint {
    this.varint64(end);
    const hi = this.hi | 0;
    // hi in [-2^21, 2^21): |value| <= 2^53, so the double is exact.
    if (hi < 0x200000 && hi >= -0x200000) return BigInt(hi * 4294967296 + this.lo);
    scratchView.setUint32(0, this.lo, true);
    scratchView.setUint32(4, hi, true);
    return scratchView.getBigInt64(0, true);
  }

  skipVarint(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new WireError('truncated varint');
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return;
      }
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** Reads the length of a length-delimited field; returns the end of its payload (this.pos is its start). */
  lengthEnd(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw new WireError('truncated length-delimited field');
    let b = buf[pos++];
    let len = b & 0x7f;
    if (b >= 0x80) {
      let scale = 128;
      for (let i = 1; ; i++) {
        if (i === 10) throw new WireError('varint longer than 10 bytes');
        if (pos >= end) throw new WireError('truncated length-delimited field');
        b = buf[pos++];
        len += (b & 0x7f) * scale;
        if (b < 0x80) break;
        scale *= 128;
      }
    }
    this.pos = pos;
    if (len > end - pos) throw new WireError('truncated length-delimited field');
    return pos + len;
  }

  fixed32(end: number): number {
    const pos = this.pos;
    if (end - pos < 4) throw new WireError('truncated fixed32');
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  double(end: number): number {
    const pos = this.pos;
    if (end - pos < 8) throw new WireError('truncated fixed64');
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  fixed64(end: number): bigint {
    const pos = this.pos;
    if (end - pos < 8) throw new WireError('truncated fixed64');
    this.pos = pos + 8;
    // One BigInt allocation (timestamps are all above 2^32, where the shift-and-or built four).
    return this.view.getBigUint64(pos, true);
  }

  sfixed64(end: number): bigint {
    const pos = this.pos;
    if (end - pos < 8) throw new WireError('truncated fixed64');
    this.pos = pos + 8;
    return this.view.getBigInt64(pos, true);
  }

  skipFixed(size: number, end: number): void {
    if (end - this.pos < size) throw new WireError(size === 8 ? 'truncated fixed64' : 'truncated fixed32');
    this.pos += size;
  }

  /** Skips the value of an unknown field (forward compatibility). */
  skip(tag: number, end: number): void {
    switch (tag & 7) {
      case WireType.VARINT:
        this.skipVarint(end);
        return;
      case WireType.I64:
        this.skipFixed(8, end);
        return;
      case WireType.LEN:
        this.pos = this.lengthEnd(end);
        return;
      case WireType.I32:
        this.skipFixed(4, end);
        return;
      case WireType.SGROUP:
        this.skipGroup(tag >>> 3, end);
        return;
      default:
        throw new WireError(`invalid wire type ${tag & 7}`);
    }
  }

  /** Groups are deprecated but legal in unknown fields; skipped iteratively so depth cannot overflow the stack. */
  private skipGroup(fieldNumber: number, end: number): void {
    const open = [fieldNumber];
    while (open.length > 0) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      if (wireType === WireType.EGROUP) {
        if (tag >>> 3 !== open.pop()) throw new WireError('mismatched end group');
      } else if (wireType === WireType.SGROUP) {
        if (open.length >= 64) throw new WireError('groups nested deeper than 64 levels');
        open.push(tag >>> 3);
      } else {
        this.skip(tag, end);
      }
    }
  }

  /** Throws unless the wire type of `tag` is `expected`. */
  expect(tag: number, expected: number): void {
    if ((tag & 7) !== expected) throw new WireError(`wire type ${tag & 7}, expected ${expected}`);
  }
}

/** Throws unless buf[start, end) is valid UTF-8. ASCII is checked inline: no allocation for short strings. */
export function checkUtf8(buf: Uint8Array, start: number, end: number): void {
  if (end - start <= 64) {
    let i = start;
    while (i < end && buf[i] < 0x80) i++;
    if (i === end) return;
    start = i;
  }
  if (!isUtf8(buf.subarray(start, end))) throw new WireError('invalid UTF-8');
}
