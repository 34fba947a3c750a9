import { registerKafkaBufferMetrics } from '@otelgate/pipelines/buffer/kafka/metrics.ts';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const logger = pino({ level: 'silent' });
let brokers: string[];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  brokers = await sharedBrokers();
});
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

describe('Kafka buffer metrics', () => {
  it('reports appends, consumption, commits, dead letters and lag per partition as otelgate_kafka_* instruments', async () => {
    const config = testKafkaConfig(brokers, {
      autoCreateTopics: { enabled: true, partitions: 1, replicationFactor: 1 },
      consumer: { maxBatchRecords: 3 },
    });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const unregister = registerKafkaBufferMetrics(provider.getMeter('test'), {
      producer: buffer.producer,
      consumers: () => buffer.consumers(),
      deadLetters: buffer.deadLetters,
      appendsHere: true,
    });
    closers.push(async () => unregister());

    await buffer.producer.append(
      'logs',
      Array.from({ length: 6 }, (_, i) => ({ value: Buffer.alloc(100), headers: { seq: String(i) } })),
    );
    const consumer = buffer.consumer({ signals: ['logs'] });
    const abort = new AbortController();
    let settled = 0;
    await consumer.run(async (batch) => {
      // Settle the first batch; dead-letter one record of the second and stop before it settles.
      if (settled >= 3) {
        await buffer.deadLetters.write(batch.records[0], { stage: 'decode', reason: 'bad' });
        abort.abort();
        throw new Error('stop here');
      }
      settled += batch.records.length;
    }, abort.signal);

    const { resourceMetrics } = await reader.collect();
    const points = new Map<string, { attributes: Record<string, unknown>; value: unknown }[]>();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics) points.set(metric.descriptor.name, metric.dataPoints as never);
    const at = (name: string, attrs: Record<string, string> = {}) =>
      points.get(name)?.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))?.value;
    expect(at('otelgate_kafka_writable')).toBe(1);
    expect(at('otelgate_kafka_appended_messages')).toBe(6 + 1); // the dead letter is a message too
    expect(at('otelgate_kafka_consumed_records')).toBe(6);
    expect(at('otelgate_kafka_committed_batches')).toBe(1);
    expect(at('otelgate_kafka_retried_batches')).toBe(1);
    expect(at('otelgate_kafka_dead_letters', { stage: 'decode' })).toBe(1);
    expect(at('otelgate_kafka_committed_offset', { signal: 'logs', partition: '0' })).toBe(3);
    expect(at('otelgate_kafka_consumer_lag', { signal: 'logs', partition: '0' })).toBe(3);
    expect(at('otelgate_kafka_refused_appends', { kind: 'unavailable' })).toBe(0);
  });

  it('reports no otelgate_kafka_writable on a process-only worker (whose producer is not started), refusals at 0', async () => {
    const buffer = openKafkaBuffer(testKafkaConfig(brokers), { logger });
    closers.push(() => buffer.close());
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const unregister = registerKafkaBufferMetrics(provider.getMeter('test'), {
      producer: buffer.producer,
      consumers: () => [],
      deadLetters: buffer.deadLetters,
      appendsHere: false,
    });
    closers.push(async () => unregister());
    for (let scrape = 0; scrape < 2; scrape++) {
      const { resourceMetrics } = await reader.collect();
      const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
      expect(names).toContain('otelgate_kafka_refused_appends');
      const writable = resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'otelgate_kafka_writable');
      expect(writable?.dataPoints ?? []).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
});
