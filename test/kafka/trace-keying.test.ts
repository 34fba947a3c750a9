import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { decodeTraces } from '@otelgate/pipelines/otlp/decode.ts';
import { sdkTraceRequest } from '@otelgate/pipelines/otlp/fixtures/sdk-requests.ts';
import { groupTracesByPartition, groupTracesByTraceId } from '@otelgate/pipelines/otlp/slice.ts';
import { compatibilityPartitioner } from '@platformatic/kafka';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeUntil } from './consume-until.ts';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'error' });
let brokers: string[];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  brokers = await sharedBrokers();
});
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

function spansOf(bytes: Uint8Array): { traceId: string; spanId: string }[] {
  return decodeTraces(bytes).resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ traceId: s.traceId, spanId: s.spanId }))),
  );
}

/**
 * Where the Collector's kafka exporter (`partition_traces_by_id`) puts a key: Sarama's default
 * HashPartitioner, i.e. franz-go's SaramaCompatHasher(fnv32a): FNV-1a 32 of the key as a Go
 * int32, `%` the partition count (sign of the dividend), negated when negative. Written out here
 * independently of pipelines/src/buffer/kafka/partitioner.ts.
 */
function collectorPartition(key: Uint8Array, partitions: number): number {
  let h = 0x811c9dc5;
  for (const byte of key) h = Number((BigInt(h ^ byte) * 0x01000193n) & 0xffffffffn);
  const signed = h > 0x7fffffff ? h - 0x1_0000_0000 : h;
  const p = signed % partitions; // JS `%` keeps the dividend's sign too (and gives -0; `| 0` drops it)
  return (p < 0 ? -p : p) | 0;
}

/** Where the Java client puts a key (the Kafka client's own BigInt murmur2). */
const javaPartition = (key: Uint8Array, partitions: number) =>
  compatibilityPartitioner(undefined as never, Buffer.from(key)) % partitions;

async function produceAndConsume(partitioner: 'collector' | 'murmur2' | undefined, partitions: number) {
  const config = testKafkaConfig(brokers, {
    autoCreateTopics: { enabled: true, partitions, replicationFactor: 1 },
    ...(partitioner ? { partitioner } : {}),
  });
  const buffer = openKafkaBuffer(config, { logger });
  closers.push(() => buffer.close());
  await buffer.producer.start();
  const headers = { 'otelgate-tenant': 'acme' };
  // As ingest does: per trace id before the partition count is known, per partition after.
  const first = sdkTraceRequest(120).protobuf;
  const groups = groupTracesByTraceId(first);
  expect(groups.length).toBeGreaterThan(partitions * 2);
  await buffer.producer.append(
    'traces',
    groups.map((g) => ({ key: g.key, value: g.bytes, headers })),
  );
  const second = sdkTraceRequest(60).protobuf;
  const partitionOf = buffer.producer.partitionerFor?.('traces');
  expect(partitionOf).toBeDefined();
  await buffer.producer.append(
    'traces',
    groupTracesByPartition(second, partitionOf!).map((g) => ({ key: g.key, value: g.bytes, headers })),
  );
  const expected = [...spansOf(first), ...spansOf(second)];
  const { records } = await consumeUntil(
    buffer.consumer(),
    (r) => r.flatMap((x) => spansOf(x.value)).length >= expected.length,
  );
  const got = records.flatMap((r) => spansOf(r.value).map((s) => s.spanId)).sort();
  expect(got).toEqual(expected.map((s) => s.spanId).sort());
  for (const record of records) expect(record.headers).toEqual(headers);
  return records;
}

describe('Kafka producer keyed by trace id', () => {
  it('by default keys a trace by its hex id and puts it on the partition the Collector kafka exporter gives it', async () => {
    const partitions = 6;
    const records = await produceAndConsume(undefined, partitions);
    // Fewer messages than traces: traces bound for one partition travel together.
    expect(records.length).toBeLessThanOrEqual(partitions * 2);
    for (const record of records) {
      const key = Buffer.from(record.key!).toString('latin1');
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      expect(record.partition).toBe(collectorPartition(Buffer.from(key, 'latin1'), partitions));
      for (const span of spansOf(record.value)) {
        expect(collectorPartition(Buffer.from(span.traceId, 'latin1'), partitions)).toBe(record.partition);
      }
    }
  });

  it('with partitioner murmur2 keys a trace by its 16 raw id bytes and places it as the Java client does', async () => {
    const partitions = 4;
    const records = await produceAndConsume('murmur2', partitions);
    expect(records.length).toBeLessThanOrEqual(partitions * 2);
    for (const record of records) {
      expect(record.key).toHaveLength(16);
      expect(javaPartition(record.key!, partitions)).toBe(record.partition);
      for (const span of spansOf(record.value)) {
        expect(javaPartition(Buffer.from(span.traceId, 'hex'), partitions)).toBe(record.partition);
      }
    }
  });
});
