import { describe, expect, it } from 'vitest';
import { fnv1a32, PARTITIONERS, partitionFor } from './partitioner.ts';

describe('partitioners', () => {
  it('hashes with FNV-1a 32 (published test vectors)', () => {
    expect(fnv1a32(Buffer.from(''))).toBe(0x811c9dc5);
    expect(fnv1a32(Buffer.from('a'))).toBe(0xe40c292c);
    expect(fnv1a32(Buffer.from('foobar'))).toBe(0xbf9cf968);
  });

  it('places as Sarama: int32 remainder negated when negative, never -0', () => {
    // 0xbf9cf968 is -1080231576 as an int32: Go gives -(1080231576 % n).
    for (const n of [1, 3, 6, 7, 12, 100]) {
      expect(partitionFor(PARTITIONERS.collector, Buffer.from('foobar'), n)).toBe(1080231576 % n);
    }
    expect(Object.is(partitionFor(PARTITIONERS.collector, Buffer.from('foobar'), 6), -0)).toBe(false);
    // 0xe40c292c is -468965076 as an int32.
    expect(partitionFor(PARTITIONERS.collector, Buffer.from('a'), 10)).toBe(6);
  });

  it('keys a trace by its lowercase hex id (collector) or its raw bytes (murmur2)', () => {
    const id = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
    expect(Buffer.from(PARTITIONERS.collector.traceKey(id)).toString('latin1')).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
    expect(PARTITIONERS.murmur2.traceKey(id)).toBe(id);
  });

  it('hashes a trace id as the hash of its key, without building the key', () => {
    for (let i = 0; i < 200; i++) {
      const id = Buffer.alloc(16);
      for (let b = 0; b < 16; b++) id[b] = (i * 31 + b * 17 + i * b) & 0xff;
      for (const p of [PARTITIONERS.collector, PARTITIONERS.murmur2]) {
        expect(p.traceHash(id)).toBe(p.hash(p.traceKey(id)));
      }
    }
  });
});
