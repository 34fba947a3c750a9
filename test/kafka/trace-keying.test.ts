import { partitionOf } from '@otelgate/pipelines/buffer/kafka/coalesce.ts';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { decodeTraces } from '@otelgate/pipelines/otlp/decode.ts';
import { sdkTraceRequest } from '@otelgate/pipelines/otlp/fixtures/sdk-requests.ts';
import { groupTracesByTraceId } from '@otelgate/pipelines/otlp/slice.ts';
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

function spansOf(bytes: Uint8Array): { traceId: string; spanId: string }[] {
  return decodeTraces(bytes).resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ traceId: s.traceId, spanId: s.spanId }))),
  );
}

describe('Kafka producer keyed by trace id', () => {
  it('puts every span of a trace on the partition its trace id hashes to, merging same-partition traces into one message', async () => {
    const partitions = 4;
    const config = testKafkaConfig(brokers, { autoCreateTopics: { enabled: true, partitions, replicationFactor: 1 } });
    const buffer = openKafkaBuffer(config, { logger });
    closers.push(() => buffer.close());
    await buffer.producer.start();
    const request = sdkTraceRequest(120).protobuf;
    const groups = groupTracesByTraceId(request);
    expect(groups.length).toBeGreaterThan(partitions * 2);
    const headers = { 'otelgate-tenant': 'acme' };
    await buffer.producer.append(
      'traces',
      groups.map((g) => ({ key: g.key, value: g.bytes, headers })),
    );

    const expected = spansOf(request);
    const { records } = await consumeUntil(
      buffer.consumer(),
      (r) => r.flatMap((x) => spansOf(x.value)).length >= expected.length,
    );
    // Fewer messages than traces: traces bound for one partition travel together.
    expect(records.length).toBeLessThanOrEqual(partitions);
    for (const record of records) {
      expect(record.headers).toEqual(headers);
      expect(partitionOf(Buffer.from(record.key!), partitions)).toBe(record.partition);
      for (const span of spansOf(record.value)) {
        expect(partitionOf(Buffer.from(span.traceId, 'hex'), partitions)).toBe(record.partition);
      }
    }
    const got = records.flatMap((r) => spansOf(r.value).map((s) => s.spanId)).sort();
    expect(got).toEqual(expected.map((s) => s.spanId).sort());
  });
});
