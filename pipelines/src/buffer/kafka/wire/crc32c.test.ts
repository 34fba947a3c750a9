import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';

describe('crc32c', () => {
  it('gives the Castagnoli check value and continues across calls', () => {
    const data = Buffer.from('123456789');
    expect(crc32c(data)).toBe(0xe3069283);
    expect(crc32c(data, 4, 9, crc32c(data, 0, 4))).toBe(0xe3069283);
    // RFC 3720 B.4: 32 bytes of zeros, of 0xff, and ascending.
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
  });

  it('matches a byte-at-a-time reference at every length, offset and split', () => {
    expect(crc32c(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x22620404);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= 80; end++) expect(crc32c(data, start, end)).toBe(reference(data, start, end));
    }
    const whole = reference(data, 0, data.length);
    for (let split = 0; split <= data.length; split += 13) {
      expect(crc32c(data, split, data.length, crc32c(data, 0, split))).toBe(whole);
    }
  });
});

function reference(data: Uint8Array, start: number, end: number): number {
  let c = ~0;
  for (let i = start; i < end; i++) {
    c ^= data[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}
