// Builds one Kafka request: big-endian integers, varints and the "compact" (flexible version)
// strings and arrays, into a buffer that grows by doubling.
import { writeVarint } from '../../../otlp/wire-writer.ts';

export class Writer {
  #buf: Buffer;
  #pos = 0;
  /** Buffers sent as they are after the bytes written before them (record batches: no copy). */
  #attached: { at: number; buf: Buffer }[] = [];
  #attachedBytes = 0;

  /** `initial`: a size, or a buffer to write into (a pooled one; outgrowing it moves to a new one). */
  constructor(initial: number | Buffer = 256) {
    this.#buf = typeof initial === 'number' ? Buffer.allocUnsafe(initial) : initial;
  }

  /** Bytes written, attached buffers included. */
  get length(): number {
    return this.#pos + this.#attachedBytes;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  int8(v: number): this {
    this.#room(1);
    this.#buf.writeInt8(v, this.#pos);
    this.#pos += 1;
    return this;
  }

  int16(v: number): this {
    this.#room(2);
    this.#buf.writeInt16BE(v, this.#pos);
    this.#pos += 2;
    return this;
  }

  int32(v: number): this {
    this.#room(4);
    this.#buf.writeInt32BE(v, this.#pos);
    this.#pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.#room(4);
    this.#buf.writeUInt32BE(v, this.#pos);
    this.#pos += 4;
    return this;
  }

  int64(v: bigint | number): this {
    this.#room(8);
    this.#buf.writeBigInt64BE(BigInt(v), this.#pos);
    this.#pos += 8;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  /** Unsigned 32-bit varint (protobuf style), for compact lengths. */
  uvarint(v: number): this {
    this.#room(5);
    this.#pos = writeVarint(this.#buf, this.#pos, v);
    return this;
  }

  /** Zig-zag varint, as record fields are written. */
  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zig-zag varlong for values that fit a double exactly (timestamp deltas). */
  varlong(v: number): this {
    if (v >= -0x40000000 && v < 0x40000000) return this.varint(v);
    let z = BigInt(v) >= 0n ? BigInt(v) << 1n : (-BigInt(v) << 1n) - 1n;
    this.#room(10);
    while (z > 0x7fn) {
      this.#buf[this.#pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.#buf[this.#pos++] = Number(z);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
    return this;
  }

  /** INT16 length + UTF-8 (the request header's client id, pre-flexible strings). */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const len = Buffer.byteLength(v);
    this.int16(len);
    this.#room(len);
    this.#pos += this.#buf.write(v, this.#pos);
    return this;
  }

  compactString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const len = Buffer.byteLength(v);
    this.uvarint(len + 1);
    this.#room(len);
    this.#pos += this.#buf.write(v, this.#pos);
    return this;
  }

  compactBytes(v: Uint8Array | null): this {
    if (v === null) return this.uvarint(0);
    this.uvarint(v.length + 1);
    return this.raw(v);
  }

  /** Compact array: length + 1, then each item. `null` is the null array. */
  compactArray<T>(items: readonly T[] | null, each: (item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) each(item);
    return this;
  }

  /** An empty tagged-field section. */
  tags(): this {
    return this.uvarint(0);
  }

  /** Reserves 4 bytes and returns their position, for a length or CRC written later. */
  reserve32(): number {
    this.#room(4);
    this.#pos += 4;
    return this.#pos - 4;
  }

  patchInt32(at: number, v: number): void {
    this.#buf.writeInt32BE(v, at);
  }

  patchUint32(at: number, v: number): void {
    this.#buf.writeUInt32BE(v, at);
  }

  /** Appends `buf` by reference: `chunks()` hands it to the socket as it is. */
  attach(buf: Buffer): this {
    this.#attached.push({ at: this.#pos, buf });
    this.#attachedBytes += buf.length;
    return this;
  }

  /** The bytes written so far (a view, not a copy); only for a writer with nothing attached. */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  /** What was written, in order: views of this writer's buffer and the attached buffers. */
  chunks(): Buffer[] {
    if (this.#attached.length === 0) return [this.bytes()];
    const out: Buffer[] = [];
    let from = 0;
    for (const { at, buf } of this.#attached) {
      if (at > from) out.push(this.#buf.subarray(from, at));
      out.push(buf);
      from = at;
    }
    if (this.#pos > from) out.push(this.#buf.subarray(from, this.#pos));
    return out;
  }
}
