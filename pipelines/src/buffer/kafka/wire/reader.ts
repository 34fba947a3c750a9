// Reads one Kafka response: the counterpart of writer.ts.

export class Reader {
  readonly #buf: Buffer;
  #pos: number;

  constructor(buf: Buffer, pos = 0) {
    this.#buf = buf;
    this.#pos = pos;
  }

  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  int8(): number {
    const v = this.#buf.readInt8(this.#pos);
    this.#pos += 1;
    return v;
  }

  int16(): number {
    const v = this.#buf.readInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }

  int32(): number {
    const v = this.#buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  int64(): bigint {
    const v = this.#buf.readBigInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  uvarint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (this.#pos >= this.#buf.length) throw new RangeError('varint runs past the end of the response');
      const b = this.#buf[this.#pos++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
      if (shift > 35) throw new RangeError('varint too long');
    }
  }

  skip(n: number): void {
    if (n > this.remaining) throw new RangeError('field runs past the end of the response');
    this.#pos += n;
  }

  string(): string | null {
    const len = this.int16();
    return len < 0 ? null : this.#text(len);
  }

  compactString(): string | null {
    const len = this.uvarint() - 1;
    return len < 0 ? null : this.#text(len);
  }

  compactBytes(): Buffer | null {
    const len = this.uvarint() - 1;
    if (len < 0) return null;
    this.skip(len);
    return this.#buf.subarray(this.#pos - len, this.#pos);
  }

  #text(len: number): string {
    this.skip(len);
    return this.#buf.toString('utf8', this.#pos - len, this.#pos);
  }

  /** INT32 count then items (pre-flexible arrays). */
  array<T>(each: () => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each());
    return out;
  }

  compactArray<T>(each: () => T): T[] {
    const n = this.uvarint() - 1;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each());
    return out;
  }

  /** Skips a tagged-field section (we read no tagged fields). */
  tags(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
