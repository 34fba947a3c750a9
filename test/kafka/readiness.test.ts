import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/file-output.ts';
import { freePortPair, sharedBrokers } from './kafka-service.ts';
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

describe('Kafka producer readiness', () => {
  it('becomes writable by itself once asked (as /readyz does), without an append', async () => {
    const buffer = openKafkaBuffer(testKafkaConfig(brokers), { logger });
    closers.push(() => buffer.close());
    expect(buffer.producer.isWritable()).toBe(false);
    await eventually(() => buffer.producer.isWritable(), 30_000);
  });

  it('stays not writable and refuses appends as unavailable when no broker answers', async () => {
    const port = await freePortPair();
    const buffer = openKafkaBuffer(
      testKafkaConfig([`127.0.0.1:${port}`], { requestTimeoutMs: 500, deliveryTimeoutMs: 1_000, retries: 0 }),
      { logger },
    );
    closers.push(() => buffer.close());
    const error = await buffer.producer.append('logs', [{ value: Buffer.from('x'), headers: {} }]).catch((e) => e);
    expect(error.kind).toBe('unavailable');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(buffer.producer.isWritable()).toBe(false);
  });
});
