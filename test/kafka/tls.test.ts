// TLS against the real broker's SSL listener (test/services/kafka: port + 3, a certificate for
// 127.0.0.1 signed by the node's own test CA, KAFKA_TLS_CA_FILE).
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeUntil } from './consume-until.ts';
import { sharedTls } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'silent' });
let tls: { brokers: string[]; caFile: string };
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  tls = await sharedTls();
});
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

describe('Kafka buffer over TLS', () => {
  it('produces and consumes over TLS, verifying the broker against the CA file', async () => {
    const buffer = openKafkaBuffer(testKafkaConfig(tls.brokers, { tls: { enabled: true, caFile: tls.caFile } }), {
      logger,
    });
    closers.push(() => buffer.close());
    await buffer.producer.append('logs', [{ key: Buffer.from('k'), value: Buffer.from('over tls'), headers: {} }]);
    const { records } = await consumeUntil(buffer.consumer({ signals: ['logs'] }), (all) => all.length >= 1);
    expect(records.map((r) => Buffer.from(r.value).toString())).toEqual(['over tls']);
  });

  it('verifies the certificate against serverName when connecting by another name', async () => {
    const buffer = openKafkaBuffer(
      testKafkaConfig(tls.brokers, {
        tls: { enabled: true, caFile: tls.caFile, serverName: 'not-the-broker.example' },
        requestTimeoutMs: 2_000,
        deliveryTimeoutMs: 4_000,
        retries: 0,
      }),
      { logger },
    );
    closers.push(() => buffer.close());
    const error = await buffer.producer.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtelgateError);
    expect((error as OtelgateError).message).toMatch(/not-the-broker\.example/);
    expect(buffer.producer.isWritable()).toBe(false);
  });

  it('refuses to connect without the CA, naming the untrusted certificate', async () => {
    const buffer = openKafkaBuffer(
      testKafkaConfig(tls.brokers, {
        tls: { enabled: true },
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
    expect((error as OtelgateError).kind).toBe('unavailable');
    expect((error as OtelgateError).message).toMatch(/certificate/i);
    expect(buffer.producer.isWritable()).toBe(false);
  });
});
