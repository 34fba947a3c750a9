// Ingest and process as separate gateway processes on the real Kafka broker: spans, metrics and
// logs sent to the ingest process come out of the worker's file exporter, content intact.
// (That spans land on their trace id's partition is pinned by test/kafka/.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testKafkaConfig } from '../kafka/kafka-test-config.ts';
import { eventually, exportedSpans } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, spanIds, traceRequestJson, traceRequestProto } from '../support/otlp-payloads.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const ADMIN_TOKEN = 'kafka-gateway-test-token';
let ingest: GatewayProcess;
let worker: GatewayProcess;

beforeAll(async () => {
  expect(brokers.length, 'KAFKA_BROKERS is set by test/global-setup.ts (test/services/kafka)').toBeGreaterThan(0);
  const kafka = testKafkaConfig(brokers);
  delete (kafka as { deliveryTimeoutMs?: number }).deliveryTimeoutMs;
  ingest = await startGatewayProcess({
    config: { buffer: { kafka }, service: { role: 'ingest' }, admin: { token: ADMIN_TOKEN } },
  });
  worker = await startGatewayProcess({ config: { buffer: { kafka }, service: { role: 'process' } } });
}, 120_000);

afterAll(async () => {
  await Promise.all([ingest?.kill('SIGTERM'), worker?.kill('SIGTERM')]);
});

describe('gateway on Kafka, ingest and process apart', () => {
  it('delivers every span sent over protobuf and JSON to the worker', { timeout: 90_000 }, async () => {
    const spans = [...makeSpans(40, 'kafka-e2e'), ...makeSpans(40, 'kafka-e2e')];
    const proto = await fetch(`${ingest.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(traceRequestProto(spans.slice(0, 40))),
    });
    expect(proto.status).toBe(200);
    const json = await fetch(`${ingest.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(traceRequestJson(spans.slice(40))),
    });
    expect(json.status).toBe(200);

    const wanted = new Set(spanIds(spans));
    const delivered = await eventually(() => {
      const found = exportedSpans(`${worker.dir}/out.ndjson`).filter((span) => wanted.has(span.spanId));
      return new Set(found.map((span) => span.spanId)).size === wanted.size ? found : undefined;
    }, 60_000);
    for (const span of delivered) expect(span.name).toMatch(/^span-\d+$/);
  });

  it('reports the ingest side ready and refuses nothing while the broker is up', async () => {
    const ready = await fetch(`${ingest.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    const workerReady = await fetch(`${worker.adminUrl}/readyz`);
    expect(workerReady.status).toBe(200);
  });

  it('lists dead letters on the ingest role, loading the consumer-side Kafka client only when asked', async () => {
    const response = await fetch(`${ingest.adminUrl}/dlq`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });
});
