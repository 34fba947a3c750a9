// Typed field readers for OTLP/JSON ("JSON Protobuf Encoding" in the OTLP spec). Each reads one
// field of an object that came from JSON.parse, accepting the lowerCamelCase name or the original
// snake_case one, and checks its type. Only own properties with known names are read, so keys
// like `__proto__` or `constructor` are never looked at. Failures throw a WireError that names
// the field; the message walkers add the enclosing path.
import { WireError } from './wire-error.ts';

export type JsonObject = Record<string, unknown>;

const hasOwn = Object.hasOwn;

/**
 * How the current parse reads numbers and keys. `exact` is false on the fast path (a tree from
 * JSON.parse): an integer field holding a number JSON.parse may have rounded throws NeedsExact,
 * and `keysRead` counts the fields found, so that parseOtlpJson can tell from the text whether
 * any key was repeated (see json.ts). Each walker reads each field once.
 */
export const JsonReadState = { exact: false, keysRead: 0 };

/** Thrown on the fast path when a number needs the exact reader (json-exact.ts). */
export class NeedsExact extends Error {}

/** The value of a field under its camelCase or snake_case name; undefined when absent or null. */
export function field(o: JsonObject, camel: string, snake?: string): unknown {
  let v: unknown;
  if (hasOwn(o, camel)) v = o[camel];
  else if (snake !== undefined && hasOwn(o, snake)) v = o[snake];
  else return undefined;
  JsonReadState.keysRead++;
  return v === null ? undefined : v;
}

function fail(name: string, detail: string): never {
  throw new WireError(detail).within(name);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `number ${v}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A nested message; undefined when absent. */
export function objectField(o: JsonObject, camel: string, snake?: string): JsonObject | undefined {
  const v = field(o, camel, snake);
  if (v === undefined) return undefined;
  if (!isObject(v)) fail(camel, `expected an object, got ${describe(v)}`);
  return v;
}

/** A repeated field mapped element by element; errors name the element's index. */
export function listField<T>(o: JsonObject, camel: string, snake: string | undefined, map: (v: unknown) => T): T[] {
  const v = field(o, camel, snake);
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(camel, `expected an array, got ${describe(v)}`);
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    try {
      out[i] = map(v[i]);
    } catch (error) {
      throw error instanceof WireError ? error.within(camel, i) : error;
    }
  }
  return out;
}

/** Runs `map` on a nested object, adding `name` to the path of any error. */
export function within<T>(name: string, map: () => T): T {
  try {
    return map();
  } catch (error) {
    throw error instanceof WireError ? error.within(name) : error;
  }
}

export function asObject(v: unknown): JsonObject {
  if (!isObject(v)) throw new WireError(`expected an object, got ${describe(v)}`);
  return v;
}

// String.prototype.isWellFormed (ES2024, Node 20+): false when a lone surrogate makes UTF-8 impossible.
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

export function checkString(s: string): string {
  if (!wellFormed(s)) throw new WireError('invalid UTF-8 (lone surrogate)');
  return s;
}

export function stringField(o: JsonObject, camel: string, snake?: string): string {
  const v = field(o, camel, snake);
  if (v === undefined) return '';
  if (typeof v !== 'string') fail(camel, `expected a string, got ${describe(v)}`);
  if (!wellFormed(v)) fail(camel, 'invalid UTF-8 (lone surrogate)');
  return v;
}

export function boolField(o: JsonObject, camel: string, snake?: string): boolean {
  const v = field(o, camel, snake);
  if (v === undefined) return false;
  if (typeof v !== 'boolean') fail(camel, `expected true or false, got ${describe(v)}`);
  return v;
}

const INTEGER = /^-?\d+$/;

/**
 * Parses a JSON integer (number or decimal string) as bigint within [min, max]. A number beyond
 * 2^53 from JSON.parse may be rounded: the fast path hands it to the exact reader instead.
 */
export function toBigInt(v: unknown, name: string, min: bigint, max: bigint): bigint {
  let n: bigint;
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (!JsonReadState.exact && !Number.isSafeInteger(v)) throw new NeedsExact();
    n = BigInt(v);
  } else if (typeof v === 'bigint') n = v;
  else if (typeof v === 'string' && INTEGER.test(v) && v.length <= 21) n = BigInt(v);
  else return fail(name, `expected an integer, got ${describe(v)}`);
  if (n < min || n > max) fail(name, `${n} out of range`);
  return n;
}

const U64_MAX = 2n ** 64n - 1n;
export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;

export function uint64Field(o: JsonObject, camel: string, snake?: string): bigint {
  const v = field(o, camel, snake);
  return v === undefined ? 0n : toBigInt(v, camel, 0n, U64_MAX);
}

export function int64Field(o: JsonObject, camel: string, snake?: string): bigint {
  const v = field(o, camel, snake);
  return v === undefined ? 0n : toBigInt(v, camel, I64_MIN, I64_MAX);
}

/** Optional int64 (a oneof member): undefined when absent. */
export function optionalInt64(o: JsonObject, camel: string, snake?: string): bigint | undefined {
  const v = field(o, camel, snake);
  return v === undefined ? undefined : toBigInt(v, camel, I64_MIN, I64_MAX);
}

export function uint64List(o: JsonObject, camel: string, snake?: string): bigint[] {
  return listField(o, camel, snake, (v) => toBigInt(v, 'value', 0n, U64_MAX));
}

export function uint32Field(o: JsonObject, camel: string, snake?: string): number {
  const v = field(o, camel, snake);
  return v === undefined ? 0 : Number(toBigInt(v, camel, 0n, 0xffffffffn));
}

export function int32Field(o: JsonObject, camel: string, snake?: string): number {
  const v = field(o, camel, snake);
  return v === undefined ? 0 : Number(toBigInt(v, camel, -(2n ** 31n), 2n ** 31n - 1n));
}

/** An enum given by number or by its proto name (e.g. "SPAN_KIND_SERVER"). */
export function enumField(o: JsonObject, camel: string, snake: string, names: readonly string[]): number {
  const v = field(o, camel, snake);
  if (v === undefined) return 0;
  if (typeof v === 'string' && !INTEGER.test(v)) {
    const n = names.indexOf(v);
    if (n < 0) fail(camel, `unknown value ${JSON.stringify(v.slice(0, 60))}`);
    return n;
  }
  return Number(toBigInt(v, camel, -(2n ** 31n), 2n ** 31n - 1n));
}

export function toDouble(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  return fail(name, `expected a number, got ${describe(v)}`);
}

export function doubleField(o: JsonObject, camel: string, snake?: string): number {
  const v = field(o, camel, snake);
  return v === undefined ? 0 : toDouble(v, camel);
}

export function optionalDouble(o: JsonObject, camel: string, snake?: string): number | undefined {
  const v = field(o, camel, snake);
  return v === undefined ? undefined : toDouble(v, camel);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function toBytes(v: unknown, name: string): Uint8Array {
  if (typeof v !== 'string' || v.length % 4 === 1 || !BASE64.test(v)) fail(name, 'expected base64');
  return new Uint8Array(Buffer.from(v, 'base64'));
}

const HEX = /^[0-9a-fA-F]*$/;

/**
 * A trace or span id: hex as the OTLP spec says; base64 (plain protobuf JSON, as some older
 * senders write) is accepted too — the lengths cannot be confused. Returns lowercase hex.
 */
export function idField(o: JsonObject, camel: string, snake: string, size: number): string {
  const v = field(o, camel, snake);
  if (v === undefined || v === '') return '';
  if (typeof v !== 'string') fail(camel, `expected a hex string, got ${describe(v)}`);
  if (v.length === size * 2 && HEX.test(v)) return v.toLowerCase();
  if (v.length === Math.ceil(size / 3) * 4 && BASE64.test(v)) {
    const bytes = Buffer.from(v, 'base64');
    if (bytes.length === size) return bytes.toString('hex');
  }
  return fail(camel, `expected ${size * 2} hex digits, got ${describe(v)}`);
}
