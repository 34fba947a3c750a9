import type { BufferRecord } from '@otelgate/pipelines/buffer/buffer.ts';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/file-output.ts';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'silent' });
let brokers: string[];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  brokers = await sharedBrokers();
});
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

describe('Kafka consumer group rebalance', () => {
  it('loses nothing when a second worker joins and leaves under load', async () => {
    const config = testKafkaConfig(brokers, {
      autoCreateTopics: { enabled: true, partitions: 6, replicationFactor: 1 },
      consumer: { maxBatchRecords: 10 },
    });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());

    const produced: string[] = [];
    let producing = true;
    const load = (async () => {
      for (let i = 0; producing; i++) {
        const batch = Array.from({ length: 10 }, (_, j) => `id-${i * 10 + j}`);
        await buffer.producer.append(
          'logs',
          batch.map((id) => ({ key: Buffer.from(id), value: Buffer.from(id), headers: { id } })),
        );
        produced.push(...batch);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const seenBy = { a: [] as BufferRecord[], b: [] as BufferRecord[] };
    const slowHandler = (into: BufferRecord[]) => async (batch: { records: readonly BufferRecord[] }) => {
      // Batches take a moment, so some are in flight when partitions move.
      await new Promise((resolve) => setTimeout(resolve, 5));
      into.push(...batch.records);
    };
    const a = buffer.consumer();
    const stopA = new AbortController();
    const runA = a.run(slowHandler(seenBy.a), stopA.signal);
    await eventually(() => seenBy.a.length >= 50, 60_000);

    const b = buffer.consumer();
    const stopB = new AbortController();
    const runB = b.run(slowHandler(seenBy.b), stopB.signal);
    await eventually(() => seenBy.b.length >= 30, 60_000);
    stopB.abort();
    await runB;
    await b.close();
    const bPartitions = new Set(seenBy.b.map((r) => r.partition));

    const afterLeave = seenBy.a.length;
    await eventually(() => seenBy.a.length >= afterLeave + 50, 60_000);
    producing = false;
    await load;
    await eventually(() => {
      const seen = new Set([...seenBy.a, ...seenBy.b].map((r) => r.headers.id));
      return produced.every((id) => seen.has(id));
    }, 60_000);
    stopA.abort();
    await runA;
    await a.close();

    // B really took partitions over, and A got them back after B left.
    expect(bPartitions.size).toBeGreaterThan(0);
    expect(seenBy.a.slice(afterLeave).some((r) => bPartitions.has(r.partition))).toBe(true);
    expect(a.stats.rebalances + b.stats.rebalances).toBeGreaterThan(0);
    const seen = new Set([...seenBy.a, ...seenBy.b].map((r) => r.headers.id));
    expect(produced.filter((id) => !seen.has(id))).toEqual([]);
  }, 240_000);
});
