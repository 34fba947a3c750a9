// End to end: OTLP spans into the real gateway process -> embedded log -> process loop ->
// spans searchable in Elasticsearch by their deterministic ids, and spanmetrics RED series
// in Prometheus.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventuallyAsync } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';

const ES_URL = process.env.ES_URL ?? 'http://127.0.0.1:19200';
const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:19090';
const prefix = `e2e${randomUUID().slice(0, 8)}`;
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      exporters: {
        elasticsearch: { nodes: [ES_URL], indexPrefix: prefix, numberOfReplicas: 0, retentionDays: 0 },
        prometheus: { endpoint: `${PROMETHEUS_URL}/api/v1/write` },
      },
      processors: { spanmetrics: { intervalMs: 500 } },
      pipelines: {
        traces: { processors: ['spanmetrics'], exporters: ['elasticsearch'] },
        metrics: { exporters: ['prometheus'] },
        logs: { exporters: ['elasticsearch'] },
      },
    },
  });
});

afterAll(async () => {
  await gateway?.kill('SIGTERM');
  await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
});

describe('gateway fan-out to Elasticsearch and Prometheus', () => {
  it('makes accepted spans searchable in Elasticsearch and their RED metrics queryable in Prometheus', async () => {
    const service = `e2e-${randomUUID().slice(0, 8)}`;
    const spans = makeSpans(5, service);
    const response = await fetch(`${gateway.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(traceRequestProto(spans)),
    });
    expect(response.status).toBe(200);
    const ids = spans.map((s) => `${s.spanContext().traceId}${s.spanContext().spanId}`).sort();

    const found = await eventuallyAsync(async () => {
      const r = await fetch(`${ES_URL}/${prefix}-traces-*/_search?size=100`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: { term: { 'service.name': service } } }),
      });
      if (!r.ok) return undefined;
      const body = (await r.json()) as { hits: { hits: { _id: string; _source: Record<string, unknown> }[] } };
      return body.hits.hits.length === 5 ? body.hits.hits : undefined;
    }, 60_000);
    expect(found.map((h) => h._id).sort()).toEqual(ids);
    expect(found[0]._source).toMatchObject({ 'service.name': service, kind: 'internal' });

    const calls = await eventuallyAsync(async () => {
      const q = encodeURIComponent(`sum(traces_span_metrics_calls_total{service_name="${service}"})`);
      const body = (await (await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${q}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      return body.data.result[0]?.value[1] === '5' ? body.data.result : undefined;
    }, 60_000);
    expect(calls[0].value[1]).toBe('5');
  });
});
