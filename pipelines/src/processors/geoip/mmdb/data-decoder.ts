// Decodes MaxMind DB data-section values (spec "Output Data Section"): every type the format
// defines, pointers included. Reads through a ByteSource, so a record costs a few positioned
// reads of pages already cached; callers cache the decoded records by offset.
import type { ByteSource } from './file-pages.ts';
import { MmdbError } from './mmdb-error.ts';

export type MmdbValue = string | number | bigint | boolean | Buffer | MmdbValue[] | { [key: string]: MmdbValue };

// Type numbers (spec "Output Data Section").
const Type = {
  Extended: 0,
  Pointer: 1,
  Utf8String: 2,
  Double: 3,
  Bytes: 4,
  Uint16: 5,
  Uint32: 6,
  Map: 7,
  Int32: 8,
  Uint64: 9,
  Uint128: 10,
  Array: 11,
  DataCacheContainer: 12,
  EndMarker: 13,
  Boolean: 14,
  Float: 15,
} as const;

// Maps and arrays nest; a real record is a few levels deep. The bound stops a corrupt file's
// cycle of pointers from overflowing the stack.
const MAX_DEPTH = 64;

export class DataDecoder {
  private readonly source: ByteSource;
  /** Where the section starts in the source: pointers count from there. */
  private readonly base: number;
  /** Where the section ends (exclusive). */
  private readonly end: number;
  private readonly name: string;
  private at = 0;

  constructor(source: ByteSource, base: number, end: number, name: string) {
    this.source = source;
    this.base = base;
    this.end = end;
    this.name = name;
  }

  /** The value at `offset` from the start of the section. */
  decode(offset: number): MmdbValue {
    this.at = this.base + offset;
    return this.value(0);
  }

  private value(depth: number): MmdbValue {
    if (depth > MAX_DEPTH) throw this.corrupt(`values nested deeper than ${MAX_DEPTH} levels`);
    const control = this.u8();
    let type = control >> 5;
    if (type === Type.Pointer) {
      const target = this.pointer(control);
      const resume = this.at;
      this.at = this.base + target;
      if (this.at >= this.end) throw this.corrupt(`pointer to ${target} past the end of the section`);
      if (this.source.byte(this.at) >> 5 === Type.Pointer) throw this.corrupt(`pointer to a pointer at ${target}`);
      const value = this.value(depth + 1);
      this.at = resume;
      return value;
    }
    if (type === Type.Extended) {
      type = 7 + this.u8();
      if (type < Type.Map || type > Type.Float) throw this.corrupt(`unknown extended type ${type}`);
    }
    const size = this.size(control & 0x1f);
    switch (type) {
      case Type.Utf8String:
        return this.take(size).toString('utf8');
      case Type.Double:
        if (size !== 8) throw this.corrupt(`double of ${size} bytes`);
        return this.take(8).readDoubleBE(0);
      case Type.Float:
        if (size !== 4) throw this.corrupt(`float of ${size} bytes`);
        return this.take(4).readFloatBE(0);
      case Type.Bytes:
        return Buffer.from(this.take(size));
      case Type.Uint16:
        return this.uint(size, 2);
      case Type.Uint32:
        return this.uint(size, 4);
      case Type.Int32:
        return this.uint(size, 4) | 0;
      case Type.Uint64:
        return this.bigUint(size, 8);
      case Type.Uint128:
        return this.bigUint(size, 16);
      case Type.Boolean:
        if (size > 1) throw this.corrupt(`boolean of value ${size}`);
        return size === 1;
      case Type.Map:
        return this.map(size, depth);
      case Type.Array: {
        const array: MmdbValue[] = new Array(size);
        for (let i = 0; i < size; i++) array[i] = this.value(depth + 1);
        return array;
      }
      default:
        // Data cache container and end marker: deprecated, never written by any known writer.
        throw this.corrupt(`unsupported data type ${type}`);
    }
  }

  private map(size: number, depth: number): { [key: string]: MmdbValue } {
    const map: { [key: string]: MmdbValue } = {};
    for (let i = 0; i < size; i++) {
      const key = this.value(depth + 1);
      if (typeof key !== 'string') throw this.corrupt('map key that is not a string');
      const value = this.value(depth + 1);
      if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true });
      else map[key] = value;
    }
    return map;
  }

  /** The pointer's target, from the start of the section (spec: "pointer - 1"). */
  private pointer(control: number): number {
    const high = control & 0x7;
    switch ((control >> 3) & 0x3) {
      case 0:
        return high * 0x100 + this.u8();
      case 1:
        return 2048 + high * 0x10000 + this.uint(2, 2);
      case 2:
        return 526336 + high * 0x1000000 + this.uint(3, 3);
      default:
        return this.uint(4, 4);
    }
  }

  private size(low: number): number {
    if (low < 29) return low;
    if (low === 29) return 29 + this.u8();
    if (low === 30) return 285 + this.uint(2, 2);
    return 65821 + this.uint(3, 3);
  }

  private uint(size: number, max: number): number {
    if (size > max) throw this.corrupt(`integer of ${size} bytes where at most ${max} fit`);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.u8();
    return value;
  }

  private bigUint(size: number, max: number): bigint {
    if (size > max) throw this.corrupt(`integer of ${size} bytes where at most ${max} fit`);
    let value = 0n;
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(this.u8());
    return value;
  }

  private u8(): number {
    if (this.at >= this.end) throw this.corrupt('value runs past the end of the section');
    return this.source.byte(this.at++);
  }

  private take(length: number): Buffer {
    if (this.at + length > this.end) throw this.corrupt('value runs past the end of the section');
    const bytes = this.source.bytes(this.at, length);
    this.at += length;
    return bytes;
  }

  private corrupt(what: string): MmdbError {
    return new MmdbError(`${this.name}: corrupt data at ${this.at - this.base}: ${what}`);
  }
}
