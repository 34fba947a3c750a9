// Destructive: runs its own Kafka node (not the shared one) and stops and restarts it.
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/file-output.ts';
import { consumeUntil } from './consume-until.ts';
import { type PrivateKafka, startPrivateKafka } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'silent' });
let kafka: PrivateKafka;

beforeAll(async () => {
  kafka = await startPrivateKafka();
}, 300_000);
afterAll(async () => {
  await kafka?.remove();
}, 120_000);

describe('Kafka producer while the broker is down', () => {
  it('refuses appends as unavailable during the outage, recovers by itself, and every acknowledged append is consumed', async () => {
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

      await eventually(() => acked.length >= 20, 60_000);
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
      const { records } = await consumeUntil(
        buffer.consumer(),
        (r) => {
          const seen = new Set(r.map((x) => x.headers.id));
          return acked.every((id) => seen.has(id));
        },
        { timeoutMs: 90_000 },
      );
      const seen = new Set(records.map((r) => r.headers.id));
      expect(acked.filter((id) => !seen.has(id))).toEqual([]);
    } finally {
      await buffer.close();
    }
  }, 300_000);
});
