import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { decodeTraces } from './decode.ts';
import { readId } from './decode-ids.ts';
import { readKey, readString, readStringValue, SHORT_STRING } from './decode-strings.ts';
import { WireError } from './wire-error.ts';
import { WireReader } from './wire-reader.ts';

function varint(n: bigint): number[] {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** A length-delimited payload as a reader sees it after the tag: length, then the bytes. */
function lengthDelimited(bytes: ArrayLike<number>): WireReader {
  return new WireReader(Uint8Array.from([...varint(BigInt(bytes.length)), ...Array.from(bytes)]));
}

const readStringOf = (bytes: ArrayLike<number>): string => {
  const r = lengthDelimited(bytes);
  return readString(r, r.buf.length);
};
const readKeyOf = (bytes: ArrayLike<number>): string => {
  const r = lengthDelimited(bytes);
  return readKey(r, r.buf.length);
};
const readIdOf = (bytes: ArrayLike<number>, size: number): string => {
  const r = lengthDelimited(bytes);
  return readId(r, r.buf.length, size);
};
const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** A tiny deterministic generator, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

describe('full decoder primitives: strings', () => {
  it('reads ASCII strings of every length across the interning limits (32 bytes for values, 64 for keys)', () => {
    for (let length = 0; length <= 2 * 64 + 3; length++) {
      const s = Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((i * 7 + length) % 95))).join('');
      expect(readStringOf(utf8(s))).toBe(s);
      expect(readKeyOf(utf8(s))).toBe(s);
    }
    expect(SHORT_STRING).toBe(32);
  });

  it('reads non-ASCII strings with a multi-byte character on either side of the 32-byte limit', () => {
    for (let prefix = 26; prefix <= 36; prefix++) {
      for (const char of ['ü', '世', '🚀']) {
        const s = `${'a'.repeat(prefix)}${char}b`;
        expect(readStringOf(utf8(s))).toBe(s);
        expect(readKeyOf(utf8(s))).toBe(s);
      }
    }
    expect(readStringOf(utf8('grüße 世界 🚀'))).toBe('grüße 世界 🚀');
  });

  it('refuses invalid UTF-8 in short and long strings and in keys', () => {
    const invalid = [
      [0xff],
      [0x80], // a lone continuation byte
      [0xc0, 0xaf], // overlong '/'
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate
      [0xe4, 0xb8], // truncated
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
    ];
    for (const bad of invalid) {
      for (const pad of [0, 3, 29, 31, 40, 70]) {
        const bytes = [...utf8('x'.repeat(pad)), ...bad];
        expect(() => readStringOf(bytes)).toThrow(WireError);
        expect(() => readKeyOf(bytes)).toThrow(WireError);
        expect(() => readStringOf([...bad, ...utf8('y'.repeat(pad))])).toThrow(/invalid UTF-8/);
      }
    }
  });

  it('keeps a leading U+FEFF: in a string field it is data, not a byte order mark', () => {
    expect(readStringOf(utf8('\ufeffabc'))).toBe('\ufeffabc');
    expect(readStringOf(utf8(`\ufeff${'z'.repeat(40)}`))).toBe(`\ufeff${'z'.repeat(40)}`);
  });

  it('tells apart strings the interning tables could confuse: empty, NUL bytes, same hash slot', () => {
    expect(readStringOf([])).toBe('');
    expect(readStringOf([0, 0, 0])).toBe('\0\0\0');
    expect(readStringOf([])).toBe('');
    expect(readKeyOf([0, 0, 0, 0])).toBe('\0\0\0\0');
    // 6,000 distinct values through 2,048 slots (and keys through 1,024): many share a slot and
    // evict each other; each is read twice, interleaved, and must come back exactly.
    const strings = Array.from({ length: 6000 }, (_, i) => `v${i.toString(36)}-${(i * 7919) % 1000}`);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < strings.length; i++) {
        const j = round === 0 ? i : (i * 37) % strings.length;
        expect(readStringOf(utf8(strings[j]))).toBe(strings[j]);
        expect(readKeyOf(utf8(strings[j]))).toBe(strings[j]);
      }
    }
  });

  it('reads attribute values right whether their key has earned interning or not', () => {
    const readValueOf = (key: string, value: string): string => {
      readKeyOf(utf8(key));
      const r = lengthDelimited(utf8(value));
      return readStringValue(r, r.buf.length);
    };
    // Unique values drive the key's score down until its values are built directly; then the
    // same key's values start repeating and must be found again; non-ASCII and long ones too.
    for (let i = 0; i < 400; i++) expect(readValueOf('user.id', `u${i}`)).toBe(`u${i}`);
    for (let i = 0; i < 400; i++) expect(readValueOf('user.id', `u${i % 3}`)).toBe(`u${i % 3}`);
    for (let i = 0; i < 50; i++) expect(readValueOf('user.id', `ü${i}`)).toBe(`ü${i}`);
    expect(readValueOf('user.id', 'x'.repeat(40))).toBe('x'.repeat(40));
    expect(readValueOf('http.request.method', 'GET')).toBe('GET');
    expect(readValueOf('http.request.method', 'GET')).toBe('GET');
  });
});

describe('full decoder primitives: ids', () => {
  it('reads 8- and 16-byte ids as lowercase hex, every byte value and all-zero ids included', () => {
    const next = random(7);
    const ids: Uint8Array[] = [new Uint8Array(16), new Uint8Array(8), new Uint8Array(16).fill(0xff)];
    for (let b = 0; b < 256; b += 16) ids.push(Uint8Array.from({ length: 16 }, (_, i) => b + i));
    // More ids than the id tables hold, each read twice: repeats, evictions and collisions.
    for (let i = 0; i < 3000; i++) ids.push(Uint8Array.from({ length: i % 2 ? 8 : 16 }, () => next() >>> 24));
    for (let round = 0; round < 2; round++) {
      for (const id of ids) {
        const hex = Buffer.from(id).toString('hex');
        expect(readIdOf(id, id.length)).toBe(hex);
      }
    }
    expect(readIdOf(new Uint8Array(16), 16)).toBe('0'.repeat(32));
    expect(readIdOf([], 16)).toBe('');
    expect(readIdOf([], 8)).toBe('');
  });

  it('refuses ids of any other length', () => {
    expect(() => readIdOf(new Uint8Array(8), 16)).toThrow('trace id of 8 bytes, expected 16');
    expect(() => readIdOf(new Uint8Array(17), 16)).toThrow('trace id of 17 bytes, expected 16');
    expect(() => readIdOf(new Uint8Array(16), 8)).toThrow('span id of 16 bytes, expected 8');
    expect(() => readIdOf(new Uint8Array(1), 8)).toThrow('span id of 1 bytes, expected 8');
  });
});

describe('full decoder primitives: 64-bit integers', () => {
  const edges = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n];
  const signed = [...edges, ...edges.map((n) => -n), -(2n ** 63n), -(2n ** 53n) - 1n, -(2n ** 32n) - 1n];

  it('reads int64 varints exactly on both sides of 2^53 and of the sign', () => {
    for (const n of signed) {
      const r = new WireReader(Uint8Array.from(varint(n)));
      expect(r.int64(r.buf.length)).toBe(n);
    }
  });

  it('reads uint64 varints, fixed64 and sfixed64 exactly up to their limits', () => {
    for (const n of [...edges, 2n ** 63n, 2n ** 64n - 2n ** 11n, 2n ** 64n - 1n]) {
      const r = new WireReader(Uint8Array.from(varint(n)));
      expect(r.uint64(r.buf.length)).toBe(n);
      const fixed = new Uint8Array(8);
      new DataView(fixed.buffer).setBigUint64(0, n, true);
      expect(new WireReader(fixed).fixed64(8)).toBe(n);
    }
    for (const n of signed) {
      const fixed = new Uint8Array(8);
      new DataView(fixed.buffer).setBigInt64(0, n, true);
      expect(new WireReader(fixed).sfixed64(8)).toBe(n);
    }
  });
});

describe('full decoder: attribute lists', () => {
  const frame = (tag: number, payload: number[]): number[] => [tag, ...varint(BigInt(payload.length)), ...payload];
  const keyValue = (key: string, value: string): number[] =>
    frame(0x4a, [...frame(0x0a, [...utf8(key)]), ...frame(0x12, frame(0x0a, [...utf8(value)]))]);
  const tracesOf = (spans: number[][]): Uint8Array =>
    Uint8Array.from(
      frame(
        0x0a,
        frame(
          0x12,
          spans.flatMap((span) => frame(0x12, span)),
        ),
      ),
    );

  it('keeps every attribute, in order, when other fields split an item attribute list', () => {
    const span = [
      ...keyValue('a', '1'),
      ...frame(0x2a, [...utf8('name')]),
      ...keyValue('b', '2'),
      ...keyValue('c', '3'),
    ];
    const decoded = decodeTraces(tracesOf([span])).resourceSpans[0].scopeSpans[0].spans[0];
    expect(decoded.name).toBe('name');
    expect(decoded.attributes).toEqual([
      { key: 'a', value: { stringValue: '1' } },
      { key: 'b', value: { stringValue: '2' } },
      { key: 'c', value: { stringValue: '3' } },
    ]);
  });

  it('gives every item arrays and values of its own, so a processor changing one changes no other', () => {
    const spans = decodeTraces(tracesOf([keyValue('k', 'v'), keyValue('k', 'v'), [], []])).resourceSpans[0]
      .scopeSpans[0].spans;
    expect(spans[0].attributes).not.toBe(spans[1].attributes);
    expect(spans[0].attributes[0]).not.toBe(spans[1].attributes[0]);
    expect(spans[0].attributes[0].value).not.toBe(spans[1].attributes[0].value);
    expect(spans[2].attributes).toEqual([]);
    expect(spans[2].attributes).not.toBe(spans[3].attributes);
    expect(spans[2].status).not.toBe(spans[3].status);
    spans[2].attributes.push({ key: 'added', value: {} });
    expect(spans[3].attributes).toEqual([]);
  });
});
