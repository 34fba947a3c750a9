import { describe, expect, it } from 'vitest';
import { coalesceByPartition, MERGE_BELOW_BYTES } from './coalesce.ts';
import { PARTITIONERS, partitionFor } from './partitioner.ts';

const PARTITIONS = 6;
const tenantA = { 'otelgate-tenant': 'a', 'content-type': 'application/x-protobuf' };

/** A key for `partition`: the first 4-byte counter murmur2 puts there. */
function keyFor(partition: number, skip = 0): Buffer {
  for (let i = 0; ; i++) {
    const key = Buffer.alloc(16);
    key.writeUInt32BE(i);
    if (partitionFor(PARTITIONERS.murmur2, key, PARTITIONS) === partition && skip-- === 0) return key;
  }
}

function message(partition: number, size: number, fill: number, headers: Record<string, string> = tenantA) {
  return { topic: 't', key: keyFor(partition, fill), value: Buffer.alloc(size, fill), headers };
}

describe('coalesceByPartition', () => {
  it('concatenates small values of one partition and headers into one message keyed by the first entry', () => {
    const messages = [message(1, 100, 1), message(2, 100, 2), message(1, 50, 3), message(1, 10, 4)];
    const out = coalesceByPartition(messages, PARTITIONS, 1 << 20, PARTITIONERS.murmur2);
    expect(out).toHaveLength(2);
    const merged = out.find((m) => m.key === messages[0].key)!;
    expect(merged.value).toEqual(Buffer.concat([messages[0].value, messages[2].value, messages[3].value]));
    expect(merged.headers).toBe(tenantA);
    expect(out).toContain(messages[1]);
  });

  it('merges entries whose headers are equal but separate objects, and never across different headers', () => {
    const tenantB = { 'otelgate-tenant': 'b', 'content-type': 'application/x-protobuf' };
    const out = coalesceByPartition(
      [message(0, 10, 1), message(0, 10, 2, { ...tenantA }), message(0, 10, 3, tenantB)],
      PARTITIONS,
      1 << 20,
      PARTITIONERS.murmur2,
    );
    expect(out.map((m) => m.value!.length).sort()).toEqual([10, 20]);
  });

  it(`leaves values of ${MERGE_BELOW_BYTES} bytes and more as their own messages, in order within the partition`, () => {
    const messages = [
      message(3, 10, 1),
      message(3, 20, 2),
      message(3, MERGE_BELOW_BYTES, 3),
      message(3, 30, 4),
      message(3, MERGE_BELOW_BYTES * 2, 5),
    ];
    const out = coalesceByPartition(messages, PARTITIONS, 1 << 20, PARTITIONERS.murmur2);
    expect(out.map((m) => m.value!.length)).toEqual([30, MERGE_BELOW_BYTES, 30, MERGE_BELOW_BYTES * 2]);
    expect(out[1]).toBe(messages[2]);
    expect(out[3]).toBe(messages[4]);
  });

  it('returns the messages as they are when at most one is small', () => {
    const messages = [message(0, MERGE_BELOW_BYTES, 1), message(0, MERGE_BELOW_BYTES, 2), message(0, 10, 3)];
    expect(coalesceByPartition(messages, PARTITIONS, 1 << 20, PARTITIONERS.murmur2)).toBe(messages);
  });

  it('keeps every merged value under the limit', () => {
    const messages = Array.from({ length: 10 }, (_, i) => message(4, 1000, i));
    const out = coalesceByPartition(messages, PARTITIONS, 2500, PARTITIONERS.murmur2);
    expect(out.map((m) => m.value!.length)).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(Buffer.concat(out.map((m) => m.value!))).toEqual(Buffer.concat(messages.map((m) => m.value)));
  });
});
