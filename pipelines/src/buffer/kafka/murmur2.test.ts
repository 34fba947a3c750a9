import { randomBytes } from 'node:crypto';
import { compatibilityPartitioner } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { murmur2 } from './murmur2.ts';
import { PARTITIONERS, partitionFor } from './partitioner.ts';

describe('murmur2', () => {
  it('matches the Kafka client (Java-compatible) hash for keys of every length remainder', () => {
    for (let length = 0; length < 40; length++) {
      for (let round = 0; round < 25; round++) {
        const key = randomBytes(length);
        expect(murmur2(key) & 0x7fffffff).toBe(compatibilityPartitioner(undefined as never, key));
      }
    }
  });

  it('gives the partitions Java clients give known keys', () => {
    // Values from Kafka's own partitioner tests (Utils.murmur2 of these strings).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(partitionFor(PARTITIONERS.murmur2, Buffer.from('a-little-bit-long-string'), 100)).toBe(
      (-985981536 & 0x7fffffff) % 100,
    );
  });
});
