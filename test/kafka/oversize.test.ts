import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { decodeTraces } from '@otelgate/pipelines/otlp/decode.ts';
import { sdkTraceRequest } from '@otelgate/pipelines/otlp/fixtures/sdk-requests.ts';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceRequestProto } from '../support/otlp-payloads.ts';
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

function spanIdsOf(bytes: Uint8Array): string[] {
  return decodeTraces(bytes).resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.spanId)),
  );
}

describe('Kafka producer and the message size limit', () => {
  it('splits a request larger than maxMessageBytes into messages that each fit, losing no span', async () => {
    const maxMessageBytes = 32 * 1024;
    const config = testKafkaConfig(brokers, { maxMessageBytes });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    const request = sdkTraceRequest(600).protobuf;
    expect(request.length).toBeGreaterThan(4 * maxMessageBytes);

    await buffer.producer.append('traces', [
      { key: Buffer.from('trace-key'), value: request, headers: { tenant: 'a' } },
    ]);
    const expected = spanIdsOf(request);
    const { records } = await consumeUntil(
      buffer.consumer(),
      (r) => r.flatMap((x) => spanIdsOf(x.value)).length >= expected.length,
    );
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) {
      expect(record.value.length).toBeLessThanOrEqual(maxMessageBytes);
      expect(Buffer.from(record.key!).toString()).toBe('trace-key');
      expect(record.headers).toEqual({ tenant: 'a' });
    }
    expect(records.flatMap((r) => spanIdsOf(r.value)).sort()).toEqual([...expected].sort());
  });

  it('refuses with payload-too-large a single span that alone exceeds the limit', async () => {
    const config = testKafkaConfig(brokers, { maxMessageBytes: 32 * 1024 });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    provider
      .getTracer('t')
      .startSpan('huge', { attributes: { blob: 'x'.repeat(64 * 1024) } })
      .end();
    const request = traceRequestProto(exporter.getFinishedSpans());

    const error = await buffer.producer.append('traces', [{ value: request, headers: {} }]).catch((e) => e);
    expect(error).toBeInstanceOf(OtelgateError);
    expect((error as OtelgateError).kind).toBe('payload-too-large');
    // Still writable: an oversized request is the client's problem, not the broker's.
    expect(buffer.producer.isWritable()).toBe(true);
  });
});
