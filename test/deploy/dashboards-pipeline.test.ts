import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { repoPath } from './deploy-paths.ts';
import { dashboardExpressions } from './grafana-expressions.ts';
import { instantQuery, sharedPrometheusUrl } from './prometheus-service.ts';

// The Service RED dashboard and the application alerts on live data from the real pipeline:
// SDK spans -> gateway (spanmetrics processor) -> prometheus exporter (remote write) -> the
// shared test Prometheus, and access-log lines -> the shipped logmetrics rules (the dashboard's
// "Access logs" row). The service name is this run's own, so other suites' data in the shared
// Prometheus cannot make a query pass.

const service = `red-check-${process.pid}-${Date.now()}`;
let gateway: GatewayProcess;
let prometheusUrl: string;

function spansRequest(server: { ok: number; error: number }, client: number): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('red-check');
  for (let i = 0; i < server.ok + server.error; i++) {
    const span = tracer.startSpan('GET /api/items/:id', { kind: SpanKind.SERVER });
    if (i < server.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.end();
  }
  for (let i = 0; i < client; i++) tracer.startSpan('SELECT items', { kind: SpanKind.CLIENT }).end();
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()) as Uint8Array;
}

async function send(body: Uint8Array): Promise<void> {
  const response = await fetch(`${gateway.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(body),
  });
  await response.arrayBuffer();
  expect(response.status).toBe(200);
}

async function series(expr: string): Promise<Record<string, string>[]> {
  const result = await instantQuery(prometheusUrl, expr);
  if (result.status !== 'success') throw new Error(`${result.error}: ${expr}`);
  return (result.data?.result ?? []).map((r) => (r as { metric: Record<string, string> }).metric);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** An OTLP/JSON logs request of access-log lines as examples/api writes them. */
function accessLogRequest(lines: { status: number; ms: number }[]): string {
  const when = new Date().toISOString();
  const logRecords = lines.map(({ status, ms }) => ({
    timeUnixNano: String(Date.now() * 1e6),
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: `127.0.0.1 - - [${when}] "GET /api/items/7 HTTP/1.1" ${status} 42 ${ms.toFixed(3)}` },
  }));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [{ scope: { name: 'access-log' }, logRecords }],
      },
    ],
  });
}

async function sendLogs(body: string): Promise<void> {
  const response = await fetch(`${gateway.httpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  expect(response.status).toBe(200);
}

/** The logmetrics rules the compose stack ships (deploy/otelgate/otelgate.yaml). */
function shippedLogMetrics(): Record<string, unknown> {
  const shipped = parse(readFileSync(repoPath('deploy/otelgate/otelgate.yaml'), 'utf8')) as {
    processors: { logmetrics: Record<string, unknown> };
  };
  return shipped.processors.logmetrics;
}

const callsOfService = () => `traces_span_metrics_calls_total{service_name="${service}"}`;

beforeAll(async () => {
  prometheusUrl = sharedPrometheusUrl();
  gateway = await startGatewayProcess({
    config: {
      processors: { spanmetrics: { intervalMs: 500 }, logmetrics: { ...shippedLogMetrics(), intervalMs: 500 } },
      exporters: { prometheus: { endpoint: `${prometheusUrl}/api/v1/write` } },
      pipelines: {
        traces: { processors: ['spanmetrics'], exporters: ['file'] },
        metrics: { exporters: ['prometheus'] },
        logs: { processors: ['logmetrics'], exporters: ['file'] },
      },
    },
  });
  // Two waves, so rates over the window see the counters move (a series' first sample is not an
  // increase, so the first wave already has every kind of span).
  await send(spansRequest({ ok: 10, error: 1 }, 5));
  await sendLogs(
    accessLogRequest([
      { status: 200, ms: 12.5 },
      { status: 500, ms: 1500 },
    ]),
  );
  await until('spanmetrics series in Prometheus', async () => (await series(callsOfService())).length >= 3);
  await until(
    'access-log series in Prometheus',
    async () => (await series(`access_log_request_duration_seconds_count{job="${service}"}`)).length >= 2,
  );
  await send(spansRequest({ ok: 2, error: 2 }, 3));
  await sendLogs(
    accessLogRequest([
      { status: 200, ms: 80 },
      { status: 500, ms: 2500 },
    ]),
  );
  await until(
    'the second wave in Prometheus',
    async () =>
      (
        await series(
          `increase(traces_span_metrics_calls_total{service_name="${service}", status_code="STATUS_CODE_ERROR"}[1m]) > 0`,
        )
      ).length > 0,
  );
  await until(
    'the second access-log wave in Prometheus',
    async () =>
      (await series(`increase(access_log_request_duration_seconds_count{job="${service}"}[1m]) > 0`)).length >= 2,
  );
}, 180_000);

afterAll(async () => {
  await gateway?.kill('SIGTERM');
});

describe('Service RED dashboard and application alerts on spans through the real pipeline', () => {
  it('names the series as the dashboards and rules expect', async () => {
    const labels = await series(callsOfService());
    expect(labels.map((l) => l.span_kind).sort()).toEqual(
      expect.arrayContaining(['SPAN_KIND_CLIENT', 'SPAN_KIND_SERVER']),
    );
    expect(labels.map((l) => l.status_code)).toEqual(
      expect.arrayContaining(['STATUS_CODE_ERROR', 'STATUS_CODE_UNSET']),
    );
    expect(labels.every((l) => l.job === service && typeof l.span_name === 'string')).toBe(true);
    expect(
      (await series(`traces_span_metrics_duration_seconds_bucket{service_name="${service}"}`)).length,
    ).toBeGreaterThan(0);
  });

  it('returns series for every Service RED panel and variable, for this service', async () => {
    const expressions = dashboardExpressions().filter((e) => e.dashboard === 'service-red');
    expect(expressions.length).toBeGreaterThan(10);
    const empty: string[] = [];
    for (const { where, expr } of expressions) {
      const resolved = expr
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__range', '1h')
        .replaceAll('$service', service)
        .replaceAll('$route', '.*');
      if ((await series(resolved)).length === 0) empty.push(`${where}: ${resolved}`);
    }
    expect(empty).toEqual([]);
  });

  it('fires ServiceHighErrorRate for this service (50% of the last wave in error) and not ServiceHighLatency', async () => {
    const rules = parse(readFileSync(repoPath('deploy/prometheus/rules/applications.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const expr = (name: string) => rules.groups[0].rules.find((r) => r.alert === name)?.expr as string;
    const firing = await series(expr('ServiceHighErrorRate'));
    expect(firing.map((l) => l.service_name)).toContain(service);
    const slow = await series(expr('ServiceHighLatency'));
    expect(slow.map((l) => l.service_name)).not.toContain(service);
  });
});
