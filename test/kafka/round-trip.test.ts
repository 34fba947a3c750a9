import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { BufferHeader, OTLP_PROTO_CONTENT_TYPE } from '@otelgate/pipelines/buffer/buffer.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { sdkLogRequest, sdkMetricsRequest, sdkTraceRequest } from '@otelgate/pipelines/otlp/fixtures/sdk-requests.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeUntil } from './consume-until.ts';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'error' });
let brokers: string[];

beforeAll(async () => {
  brokers = await sharedBrokers();
});

describe('Kafka buffer round trip', () => {
  const requests: Record<Signal, () => Promise<Uint8Array>> = {
    traces: async () => sdkTraceRequest(20).protobuf,
    metrics: async () => (await sdkMetricsRequest()).protobuf,
    logs: async () => sdkLogRequest().protobuf,
  };
  const buffers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(buffers.map((b) => b.close()));
  });

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    it(`delivers ${signal} requests byte for byte with their key and headers`, async () => {
      const buffer = openKafkaBuffer(testKafkaConfig(brokers), { logger });
      buffers.push(buffer);
      const value = await requests[signal]();
      const entries = Array.from({ length: 5 }, (_, i) => ({
        key: Buffer.from(`key-${i}`),
        value,
        headers: { [BufferHeader.tenant]: `tenant-${i}`, [BufferHeader.contentType]: OTLP_PROTO_CONTENT_TYPE },
      }));
      await buffer.producer.append(signal, entries);
      expect(buffer.producer.isWritable()).toBe(true);

      const { records, batches } = await consumeUntil(buffer.consumer(), (r) => r.length >= 5);
      expect(records).toHaveLength(5);
      expect(new Set(batches.map((b) => b.signal))).toEqual(new Set([signal]));
      const byKey = new Map(records.map((r) => [Buffer.from(r.key!).toString(), r]));
      for (let i = 0; i < 5; i++) {
        const record = byKey.get(`key-${i}`)!;
        expect(Buffer.from(record.value).equals(Buffer.from(value))).toBe(true);
        expect(record.headers).toEqual({
          [BufferHeader.tenant]: `tenant-${i}`,
          [BufferHeader.contentType]: OTLP_PROTO_CONTENT_TYPE,
        });
        expect(record.signal).toBe(signal);
        expect(record.timestamp).toBeGreaterThan(Date.now() - 600_000);
      }
    });
  }

  it('keeps per-partition order: offsets ascend within each partition', async () => {
    const buffer = openKafkaBuffer(testKafkaConfig(brokers), { logger });
    buffers.push(buffer);
    const value = sdkTraceRequest(2).protobuf;
    for (let round = 0; round < 4; round++) {
      await buffer.producer.append(
        'traces',
        Array.from({ length: 25 }, (_, i) => ({
          key: Buffer.from(`k${i % 7}`),
          value,
          headers: { seq: String(round * 25 + i) },
        })),
      );
    }
    const { records } = await consumeUntil(buffer.consumer(), (r) => r.length >= 100);
    const byPartition = new Map<number, bigint[]>();
    const seqByKey = new Map<string, number[]>();
    for (const r of records) {
      byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r.offset]);
      const key = Buffer.from(r.key!).toString();
      seqByKey.set(key, [...(seqByKey.get(key) ?? []), Number(r.headers.seq)]);
    }
    for (const offsets of byPartition.values()) {
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    }
    // Same key, same partition: appends of one key arrive in the order they were made.
    for (const seqs of seqByKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
