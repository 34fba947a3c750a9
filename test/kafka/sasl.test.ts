// SASL against the real broker's SASL_PLAINTEXT listener (test/services/kafka: port + 2).
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeUntil } from './consume-until.ts';
import { KAFKA_SASL_USER, saslBrokers, sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'silent' });
let brokers: string[];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  brokers = saslBrokers(await sharedBrokers());
});
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

describe('Kafka buffer over SASL', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`produces and consumes with ${mechanism}`, async () => {
      const buffer = openKafkaBuffer(testKafkaConfig(brokers, { sasl: { mechanism, ...KAFKA_SASL_USER } }), { logger });
      closers.push(() => buffer.close());
      const value = Buffer.from(`over ${mechanism}`);
      await buffer.producer.append('logs', [{ key: Buffer.from('k'), value, headers: { tenant: 't1' } }]);
      const { records } = await consumeUntil(buffer.consumer({ signals: ['logs'] }), (all) => all.length >= 1);
      expect(records.map((r) => Buffer.from(r.value).toString())).toEqual([`over ${mechanism}`]);
    });
  }

  it('refuses appends with a wrong password, naming the authentication failure', async () => {
    const buffer = openKafkaBuffer(
      testKafkaConfig(brokers, {
        sasl: { mechanism: 'scram-sha-256', username: KAFKA_SASL_USER.username, password: 'wrong' },
        requestTimeoutMs: 2_000,
        deliveryTimeoutMs: 4_000,
        retries: 0,
      }),
      { logger },
    );
    closers.push(() => buffer.close());
    const error = await buffer.producer
      .append('logs', [{ value: Buffer.from('x'), headers: {} }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtelgateError);
    expect((error as OtelgateError).message).toMatch(/SASL|authentication|credentials/i);
    expect(buffer.producer.isWritable()).toBe(false);
  });
});
