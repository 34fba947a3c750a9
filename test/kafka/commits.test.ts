import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
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

function seqOf(record: { headers: Record<string, string> }): number {
  return Number(record.headers.seq);
}

describe('Kafka consumer commits', () => {
  it('commits only what the handler settled: a restarted consumer gets the unsettled records again', async () => {
    const config = testKafkaConfig(brokers, {
      autoCreateTopics: { enabled: true, partitions: 1, replicationFactor: 1 },
      consumer: { maxBatchRecords: 2 },
    });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    const value = Buffer.from('not decoded here');
    await buffer.producer.append(
      'logs',
      Array.from({ length: 10 }, (_, i) => ({ value, headers: { seq: String(i) } })),
    );

    // First worker: settles what comes before record 4, then is stopped while the batch holding 4 is unsettled.
    const first = buffer.consumer();
    const abort = new AbortController();
    const settled: number[] = [];
    await first.run(async (batch) => {
      if (batch.records.some((r) => seqOf(r) >= 4)) {
        abort.abort();
        throw new Error('exporter down');
      }
      settled.push(...batch.records.map(seqOf));
    }, abort.signal);
    await first.close();
    const n = settled.length;
    expect(n).toBeLessThanOrEqual(4);
    expect(settled).toEqual([...Array(n).keys()]);

    const lag = await buffer.consumer().lag();
    expect(lag.filter((l) => l.signal === 'logs')).toEqual([
      { signal: 'logs', partition: 0, committedOffset: BigInt(n), lag: BigInt(10 - n) },
    ]);

    // Second worker of the same group: starts right after the last settled record.
    const { records } = await consumeUntil(buffer.consumer(), (r) => r.length >= 10 - n);
    expect(records.map(seqOf)).toEqual(Array.from({ length: 10 - n }, (_, i) => n + i));
  });

  it('hands a rejected batch over again after a backoff, same records in order, while other partitions keep moving', async () => {
    const config = testKafkaConfig(brokers, {
      autoCreateTopics: { enabled: true, partitions: 3, replicationFactor: 1 },
      consumer: { retryInitialMs: 100, retryMaxMs: 400 },
    });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    const value = Buffer.from('x');
    const keys = Array.from({ length: 30 }, (_, i) => Buffer.from(`key-${i}`));
    await buffer.producer.append(
      'traces',
      keys.map((key, i) => ({ key, value, headers: { seq: String(i) } })),
    );

    let stuck: number | undefined;
    const offered: bigint[][] = [];
    let extraProduced = false;
    let extraAcceptedElsewhere = 0;
    const accepted: number[] = [];
    await consumeUntil(buffer.consumer(), () => accepted.length >= 60, {
      handler: async (batch) => {
        stuck ??= batch.partition;
        if (batch.partition === stuck && (offered.length < 2 || extraAcceptedElsewhere < 5)) {
          offered.push(batch.records.map((r) => r.offset));
          if (!extraProduced) {
            extraProduced = true;
            // Appended after the first refusal: they can only be handed over if the other
            // partitions are not held up by the paused one.
            void buffer.producer.append(
              'traces',
              keys.map((key, i) => ({ key, value, headers: { seq: String(100 + i) } })),
            );
          }
          throw new Error('exporter refuses for now');
        }
        for (const record of batch.records) {
          if (batch.partition !== stuck && seqOf(record) >= 100) extraAcceptedElsewhere++;
        }
        accepted.push(...batch.records.map(seqOf));
      },
    });
    expect(offered.length).toBeGreaterThanOrEqual(2);
    // The refused batch comes back unchanged: same first offset, in order.
    for (const offsets of offered) {
      expect(offsets[0]).toBe(offered[0][0]);
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
    }
    expect(new Set(accepted)).toEqual(new Set([...Array(30).keys(), ...Array.from({ length: 30 }, (_, i) => 100 + i)]));
  });
});
