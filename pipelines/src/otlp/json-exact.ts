// The exact OTLP/JSON reader: the slow path parseOtlpJson takes when JSON.parse's result cannot
// be trusted. It builds the same tree as JSON.parse but keeps integers beyond 2^53 (64-bit times,
// intValue, counts written as JSON numbers) exact as bigint, and refuses an object that repeats a
// key instead of keeping the last value silently. It only ever reads text JSON.parse accepted, so
// it checks no syntax.
import { WireError } from './wire-error.ts';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const CONTROL = /[\u0000-\u001f]/;

/** Parses `text` (already accepted by JSON.parse); unsafe integers become bigint; duplicate keys throw. */
export function parseJsonExact(text: string): unknown {
  let at = 0;

  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      at++;
    }
  };

  const string = (): string => {
    const start = ++at;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        at++;
      }
      at++;
    }
    at++;
    const raw = text.slice(start, at - 1);
    if (!escaped && !CONTROL.test(raw)) return raw;
    return JSON.parse(text.slice(start - 1, at)) as string;
  };

  const number = (): number | bigint => {
    NUMBER.lastIndex = at;
    const source = (NUMBER.exec(text) as RegExpExecArray)[0];
    at += source.length;
    return exactNumber(source);
  };

  const array = (name: string): unknown[] => {
    at++;
    const out: unknown[] = [];
    skipSpace();
    if (text.charCodeAt(at) === 0x5d) {
      at++;
      return out;
    }
    for (;;) {
      try {
        out.push(value(name));
      } catch (error) {
        throw error instanceof WireError ? error.within(name, out.length) : error;
      }
      skipSpace();
      if (text.charCodeAt(at++) === 0x5d) return out;
    }
  };

  const object = (): Record<string, unknown> => {
    at++;
    const out: Record<string, unknown> = {};
    skipSpace();
    if (text.charCodeAt(at) === 0x7d) {
      at++;
      return out;
    }
    for (;;) {
      skipSpace();
      const key = string();
      if (Object.hasOwn(out, key)) throw new WireError(`duplicate key ${JSON.stringify(key.slice(0, 60))}`);
      skipSpace();
      at++; // ':'
      skipSpace();
      const isArray = text.charCodeAt(at) === 0x5b;
      let v: unknown;
      try {
        v = value(key);
      } catch (error) {
        throw error instanceof WireError && !isArray ? error.within(key) : error;
      }
      // defineProperty: a "__proto__" key stays an own data property, as with JSON.parse.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      skipSpace();
      if (text.charCodeAt(at++) === 0x7d) return out;
    }
  };

  function value(name: string): unknown {
    skipSpace();
    const c = text.charCodeAt(at);
    if (c === 0x7b) return object();
    if (c === 0x5b) return array(name);
    if (c === 0x22) return string();
    if (c === 0x74) {
      at += 4;
      return true;
    }
    if (c === 0x66) {
      at += 5;
      return false;
    }
    if (c === 0x6e) {
      at += 4;
      return null;
    }
    return number();
  }

  return value('');
}

/**
 * A JSON number's value: a double when that is exact or the number is not an integer, else the
 * exact bigint (so "1544712660123456789" and "1.544712660123456789e18" both keep every digit).
 */
export function exactNumber(source: string): number | bigint {
  const n = Number(source);
  if (!Number.isInteger(n) || Number.isSafeInteger(n)) return n;
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/.exec(source) as RegExpExecArray;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let scale = Number(exponent) - fraction.length;
  while (scale < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale++;
  }
  // Not an integer, or far outside any 64-bit range: the double is as good as anything.
  if (scale < 0 || digits.length + scale > 40) return n;
  const exact = BigInt(digits) * 10n ** BigInt(scale);
  return sign === '-' ? -exact : exact;
}

// The scalar 64-bit integer fields of OTLP (lowerCamelCase and snake_case names).
const INT64_FIELDS = new Set([
  'timeUnixNano',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'observedTimeUnixNano',
  'time_unix_nano',
  'start_time_unix_nano',
  'end_time_unix_nano',
  'observed_time_unix_nano',
  'intValue',
  'int_value',
  'asInt',
  'as_int',
  'count',
  'zeroCount',
  'zero_count',
]);
// A key, then an integer literal of 16 digits or more ending the value. In text JSON.parse
// accepted, `"name":` is always a key: a quote inside a string is escaped, so no match can start
// or end inside one.
const LONG_INTEGER_MEMBER = /"(\w+)":(-?\d{16,})(?=[\s,}\]])/g;

/**
 * `text` with the long integer literals of 64-bit fields written as decimal strings (which the
 * OTLP spec makes equivalent), so that JSON.parse keeps every digit.
 */
export function quoteInt64Numbers(text: string): string {
  return text.replace(LONG_INTEGER_MEMBER, (member, name: string, digits: string) =>
    INT64_FIELDS.has(name) ? `"${name}":"${digits}"` : member,
  );
}
