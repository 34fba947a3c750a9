// Destructive: runs its own Kafka node (not the shared one) and stops and restarts it.
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/file-output.ts';
import { type PrivateKafka, startPrivateKafka } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: process.env.KAFKA_TEST_LOG ?? 'silent' }, pino.destination(2));
let kafka: PrivateKafka;

beforeAll(async () => {
  kafka = await startPrivateKafka();
}, 300_000);
afterAll(async () => {
  await kafka?.remove();
}, 120_000);

describe('Kafka buffer while the broker is down', () => {
  it('refuses appends as unavailable during the outage, both sides recover by themselves, and every acknowledged append is consumed', async () => {
    const buffer = openKafkaBuffer(
      testKafkaConfig(kafka.brokers, { requestTimeoutMs: 2_000, deliveryTimeoutMs: 3_000, retries: 1 }),
      { logger },
    );
    try {
      await buffer.producer.start();
      expect(buffer.producer.isWritable()).toBe(true);

      // Appends under way the whole time; an id counts as acknowledged only when append resolved.
      const acked: string[] = [];
      const refusals: unknown[] = [];
      let seq = 0;
      let running = true;
      const load = (async () => {
        while (running) {
          const id = `id-${seq++}`;
          try {
            await buffer.producer.append('traces', [{ key: Buffer.from(id), value: Buffer.from(id), headers: { id } }]);
            acked.push(id);
          } catch (error) {
            refusals.push(error);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();

      // A worker consuming across the outage: it must carry on by itself once the broker is back.
      const consumed = new Set<string>();
      const consumer = buffer.consumer();
      const stopConsumer = new AbortController();
      const consuming = consumer.run(async (batch) => {
        for (const record of batch.records) consumed.add(record.headers.id);
      }, stopConsumer.signal);

      await eventually(() => acked.length >= 20 && consumed.size >= 10, 60_000);
      await kafka.stop();
      await eventually(() => !buffer.producer.isWritable() && refusals.length >= 3, 60_000);
      const ackedDuringOutage = acked.length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(acked.length).toBe(ackedDuringOutage);

      await kafka.start();
      await eventually(() => buffer.producer.isWritable(), 90_000, 100);
      await eventually(() => acked.length >= ackedDuringOutage + 20, 90_000);
      running = false;
      await load;

      expect(refusals.length).toBeGreaterThan(0);
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(OtelgateError);
        expect((refusal as OtelgateError).kind).toBe('unavailable');
        expect((refusal as OtelgateError).retryAfterSeconds).toBeGreaterThan(0);
      }
      await eventually(() => acked.every((id) => consumed.has(id)), 90_000, 200);
      stopConsumer.abort();
      await consuming;
      await consumer.close();
      expect(acked.filter((id) => !consumed.has(id))).toEqual([]);
    } finally {
      await buffer.close();
    }
  }, 300_000);
});
