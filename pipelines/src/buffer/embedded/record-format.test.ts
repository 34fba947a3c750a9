import { describe, expect, it } from 'vitest';
import { decodeRecord, prepareRecord, sealRecord } from './record-format.ts';

function frame(entry: Parameters<typeof prepareRecord>[0], offset = 5n, timestamp = 1700000000123): Buffer {
  const prepared = prepareRecord(entry);
  sealRecord(prepared, offset, timestamp);
  const bytes = Buffer.concat(prepared.value ? [prepared.meta, prepared.value] : [prepared.meta]);
  expect(bytes.length).toBe(prepared.size);
  return bytes;
}

describe('embedded log record frame', () => {
  it('round-trips key, headers (multi-byte UTF-8 included), value, offset and timestamp, small and large values', () => {
    for (const size of [0, 10, 4095, 4096, 100_000]) {
      const value = Buffer.alloc(size, 0xab);
      const bytes = frame({ key: Buffer.from([1, 2, 3]), value, headers: { 'otelgate-tenant': 'tënant-✓', e: '' } });
      const decoded = decodeRecord(bytes, 0, bytes.length, 1 << 20);
      expect(decoded.status).toBe('ok');
      if (decoded.status !== 'ok') return;
      expect(decoded.record.offset).toBe(5n);
      expect(decoded.record.timestamp).toBe(1700000000123);
      expect([...decoded.record.key!]).toEqual([1, 2, 3]);
      expect(decoded.record.headers).toEqual({ 'otelgate-tenant': 'tënant-✓', e: '' });
      expect(Buffer.from(decoded.record.value).equals(value)).toBe(true);
      expect(decoded.record.size).toBe(bytes.length);
    }
  });

  it('tells a record without a key from one with an empty key, and keeps a header named __proto__ as data', () => {
    const none = frame({ value: Buffer.from('v'), headers: JSON.parse('{"__proto__": "x"}') });
    const decoded = decodeRecord(none, 0, none.length, 1 << 20);
    expect(decoded.status === 'ok' && decoded.record.key).toBeUndefined();
    expect(decoded.status === 'ok' && Object.keys(decoded.record.headers)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const empty = frame({ key: new Uint8Array(0), value: Buffer.from('v'), headers: {} });
    const decodedEmpty = decodeRecord(empty, 0, empty.length, 1 << 20);
    expect(decodedEmpty.status === 'ok' && decodedEmpty.record.key?.length).toBe(0);
  });

  it('reports a flipped bit anywhere in the body as a checksum mismatch', () => {
    const bytes = frame({ key: Buffer.from('k'), value: Buffer.alloc(300, 1), headers: { a: 'b' } });
    for (let i = 8; i < bytes.length; i += 17) {
      const damaged = Buffer.from(bytes);
      damaged[i] ^= 0x10;
      expect(decodeRecord(damaged, 0, damaged.length, 1 << 20)).toEqual({
        status: 'corrupt',
        reason: 'checksum mismatch',
      });
    }
  });

  it('asks for more bytes when the frame is cut short, and rejects an implausible length', () => {
    const bytes = frame({ value: Buffer.alloc(50), headers: {} });
    expect(decodeRecord(bytes, 0, 5, 1 << 20)).toEqual({ status: 'incomplete', size: 8 });
    expect(decodeRecord(bytes, 0, bytes.length - 1, 1 << 20)).toEqual({ status: 'incomplete', size: bytes.length });
    const huge = Buffer.from(bytes);
    huge.writeUInt32BE(0xffffffff, 0);
    expect(decodeRecord(huge, 0, huge.length, 1 << 20).status).toBe('corrupt');
  });

  it('resealing after a failed commit gives the new offset a valid checksum', () => {
    const prepared = prepareRecord({ value: Buffer.alloc(10_000, 3), headers: {} });
    sealRecord(prepared, 1n, 1);
    sealRecord(prepared, 2n, 2);
    const bytes = Buffer.concat([prepared.meta, prepared.value!]);
    const decoded = decodeRecord(bytes, 0, bytes.length, 1 << 20);
    expect(decoded.status === 'ok' && decoded.record.offset).toBe(2n);
  });
});
