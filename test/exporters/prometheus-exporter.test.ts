import { createNoopMeter } from '@opentelemetry/api';
// The prometheus exporter against the real Prometheus of test/services/prometheus.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExportItem } from '@otelgate/pipelines/components/component.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { prometheusExporterConfigSchema } from '@otelgate/pipelines/exporters/prometheus/config.ts';
import { prometheusExporterFactory } from '@otelgate/pipelines/exporters/prometheus/factory.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { metric, metricsData, nanos, str } from './metrics-fixtures.ts';

const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:19090';
const context = {
  id: 'prometheus',
  dataDir: '/tmp',
  meter: createNoopMeter(),
  logger: pino({ level: 'silent' }),
  emit: () => {},
};

async function exporter(options: Record<string, unknown> = {}) {
  const config = prometheusExporterConfigSchema.parse({ endpoint: `${PROMETHEUS_URL}/api/v1/write`, ...options });
  return prometheusExporterFactory.create(config, context);
}

function items(...data: MetricsData[]): ExportItem<'metrics'>[] {
  return data.map((d, i) => ({
    data: d,
    ctx: { tenant: undefined, peerAddress: undefined },
    source: { partition: 0, offset: BigInt(i) },
  }));
}

interface PromResult {
  metric: Record<string, string>;
  value?: [number, string];
  histogram?: [number, { count: string; sum: string }];
}

async function query(q: string, atMs: number): Promise<PromResult[]> {
  const url = `${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}&time=${atMs / 1000}`;
  const body = (await (await fetch(url)).json()) as { status: string; data: { result: PromResult[] }; error?: string };
  if (body.status !== 'success') throw new Error(`${q}: ${body.error}`);
  return body.data.result;
}

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

describe('prometheus exporter against a real Prometheus', () => {
  it('writes gauges, counters, histograms, summaries and exponential histograms that PromQL reads back', async () => {
    const service = `svc-${randomUUID().slice(0, 8)}`;
    const t = Date.now() - 5_000;
    const point = { startTimeUnixNano: nanos(t - 60_000), timeUnixNano: nanos(t), exemplars: [], flags: 0 };
    const data = metricsData(
      [
        str('service.name', service),
        str('service.namespace', 'shop'),
        str('service.instance.id', 'i-1'),
        str('host.name', 'box-1'),
        str('deployment.environment', 'test'),
      ],
      [
        metric('queue.depth', '{item}', {
          gauge: { dataPoints: [{ ...point, attributes: [str('queue', 'q1')], asInt: 7n }] },
        }),
        metric('http.server.requests', '{request}', {
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [{ ...point, attributes: [str('http.request.method', 'GET')], asDouble: 42 }],
          },
        }),
        metric('http.server.request.duration', 's', {
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [
              {
                ...point,
                attributes: [],
                count: 6n,
                sum: 2.5,
                bucketCounts: [1n, 2n, 3n],
                explicitBounds: [0.1, 1],
                exemplars: [
                  {
                    filteredAttributes: [],
                    timeUnixNano: nanos(t),
                    asDouble: 0.5,
                    traceId: '0af7651916cd43dd8448eb211c80319c',
                    spanId: 'b7ad6b7169203331',
                  },
                ],
              },
            ],
          },
        }),
        metric('rpc.latency', 'ms', {
          summary: {
            dataPoints: [
              {
                ...point,
                attributes: [],
                count: 10n,
                sum: 55,
                quantileValues: [
                  { quantile: 0.5, value: 4 },
                  { quantile: 0.99, value: 9 },
                ],
              },
            ],
          },
        }),
        metric('payload.size', 'By', {
          exponentialHistogram: {
            aggregationTemporality: 2,
            dataPoints: [
              {
                ...point,
                attributes: [],
                count: 5n,
                sum: 40,
                scale: 0,
                zeroCount: 1n,
                zeroThreshold: 0,
                positive: { offset: 1, bucketCounts: [1n, 3n] },
                negative: { offset: 0, bucketCounts: [] },
              },
            ],
          },
        }),
      ],
    );
    const exp = await exporter();
    const result = await exp.export('metrics', items(data));
    expect(result.rejected).toEqual([]);
    const job = `shop/${service}`;

    const gauge = await query(`queue_depth{job="${job}"}`, t);
    expect(gauge).toHaveLength(1);
    expect(gauge[0].metric).toMatchObject({
      instance: 'i-1',
      queue: 'q1',
      otel_scope_name: 'test-scope',
      otel_scope_version: '1.0',
    });
    expect(gauge[0].value?.[1]).toBe('7');

    const counter = await query(`http_server_requests_total{job="${job}"}`, t);
    expect(counter[0].metric.http_request_method).toBe('GET');
    expect(counter[0].value?.[1]).toBe('42');

    const buckets = await query(`http_server_request_duration_seconds_bucket{job="${job}"}`, t);
    expect(Object.fromEntries(buckets.map((r) => [r.metric.le, r.value?.[1]]))).toEqual({
      '0.1': '1',
      '1': '3',
      '+Inf': '6',
    });
    expect((await query(`http_server_request_duration_seconds_sum{job="${job}"}`, t))[0].value?.[1]).toBe('2.5');
    expect((await query(`http_server_request_duration_seconds_count{job="${job}"}`, t))[0].value?.[1]).toBe('6');

    const quantiles = await query(`rpc_latency_milliseconds{job="${job}"}`, t);
    expect(Object.fromEntries(quantiles.map((r) => [r.metric.quantile, r.value?.[1]]))).toEqual({
      '0.5': '4',
      '0.99': '9',
    });
    expect((await query(`rpc_latency_milliseconds_count{job="${job}"}`, t))[0].value?.[1]).toBe('10');

    const native = await query(`payload_size_bytes{job="${job}"}`, t);
    expect(native[0].histogram?.[1]).toMatchObject({ count: '5', sum: '40' });
    // Buckets (2,4] x1 and (4,8] x3 plus one zero: the median falls in (4,8].
    const median = Number((await query(`histogram_quantile(0.5, payload_size_bytes{job="${job}"})`, t))[0].value?.[1]);
    expect(median).toBeGreaterThan(4);
    expect(median).toBeLessThanOrEqual(8);

    const info = await query(`target_info{job="${job}"}`, t);
    expect(info[0].metric).toMatchObject({ instance: 'i-1', host_name: 'box-1', deployment_environment: 'test' });
    expect(info[0].value?.[1]).toBe('1');

    const exemplars = (await (
      await fetch(
        `${PROMETHEUS_URL}/api/v1/query_exemplars?query=${encodeURIComponent(`http_server_request_duration_seconds_bucket{job="${job}"}`)}&start=${(t - 60_000) / 1000}&end=${(t + 60_000) / 1000}`,
      )
    ).json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
    expect(exemplars.data.flatMap((s) => s.exemplars).map((e) => e.labels.trace_id)).toContain(
      '0af7651916cd43dd8448eb211c80319c',
    );
  });

  it('reads a delta counter as a cumulative one and does not count a replayed batch twice', async () => {
    const service = `delta-${randomUUID().slice(0, 8)}`;
    const t1 = Date.now() - 20_000;
    const t2 = t1 + 10_000;
    const delta = (from: number, to: number, value: number) =>
      metricsData(
        [str('service.name', service)],
        [
          metric('jobs.done', '', {
            sum: {
              aggregationTemporality: 1,
              isMonotonic: true,
              dataPoints: [
                {
                  attributes: [],
                  startTimeUnixNano: nanos(from),
                  timeUnixNano: nanos(to),
                  asInt: BigInt(value),
                  exemplars: [],
                  flags: 0,
                },
              ],
            },
          }),
        ],
      );
    const exp = await exporter();
    await exp.export('metrics', items(delta(t1 - 10_000, t1, 5)));
    await exp.export('metrics', items(delta(t1, t2, 7)));
    await exp.export('metrics', items(delta(t1, t2, 7)));
    expect((await query(`jobs_done_total{job="${service}"}`, t1))[0].value?.[1]).toBe('5');
    expect((await query(`jobs_done_total{job="${service}"}`, t2))[0].value?.[1]).toBe('12');
  });

  it('caps series per tenant', async () => {
    const service = `cap-${randomUUID().slice(0, 8)}`;
    const t = Date.now() - 5_000;
    const points = Array.from({ length: 5 }, (_, i) => ({
      attributes: [str('user', `u${i}`)],
      startTimeUnixNano: 0n,
      timeUnixNano: nanos(t),
      asInt: 1n,
      exemplars: [],
      flags: 0,
    }));
    const exp = await exporter({ maxSeriesPerTenant: 3, targetInfo: false });
    await exp.export(
      'metrics',
      items(metricsData([str('service.name', service)], [metric('logins', '', { gauge: { dataPoints: points } })])),
    );
    expect(await query(`logins{job="${service}"}`, t)).toHaveLength(3);
  });

  it('sends a batch Prometheus refuses with 400 (a different value for a written timestamp) to the dead-letter path with the reason', async () => {
    const service = `dup-${randomUUID().slice(0, 8)}`;
    const t = Date.now() - 5_000;
    const gauge = (value: bigint) =>
      metricsData(
        [str('service.name', service)],
        [
          metric('dup', '', {
            gauge: {
              dataPoints: [
                {
                  attributes: [],
                  startTimeUnixNano: 0n,
                  timeUnixNano: nanos(t),
                  asInt: value,
                  exemplars: [],
                  flags: 0,
                },
              ],
            },
          }),
        ],
      );
    const exp = await exporter({ targetInfo: false });
    expect((await exp.export('metrics', items(gauge(1n)))).rejected).toEqual([]);
    const result = await exp.export('metrics', items(gauge(1n), gauge(2n)));
    expect(result.rejected.map((r) => r.index).sort()).toEqual([0, 1]);
    expect(result.rejected[0].reason).toMatch(/HTTP 400.*duplicate/);
  });

  it('retries 503 and 429 honouring Retry-After, then throws a retryable error', async () => {
    const seen: { status: number; headers: Record<string, unknown> }[] = [];
    const server = createServer((req, res) => {
      req.resume();
      const status = seen.length % 2 === 0 ? 503 : 429;
      seen.push({ status, headers: req.headers });
      res.writeHead(status, { 'Retry-After': '0' });
      res.end('busy');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const config = prometheusExporterConfigSchema.parse({
      endpoint: `http://127.0.0.1:${port}/api/v1/write`,
      maxAttempts: 3,
      tenantHeader: true,
    });
    const exp = await prometheusExporterFactory.create(config, context);
    const data = metricsData(
      [str('service.name', 'x')],
      [
        metric('g', '', {
          gauge: {
            dataPoints: [
              {
                attributes: [],
                startTimeUnixNano: 0n,
                timeUnixNano: nanos(Date.now()),
                asInt: 1n,
                exemplars: [],
                flags: 0,
              },
            ],
          },
        }),
      ],
    );
    const error = await exp
      .export('metrics', [
        { data, ctx: { tenant: 'acme', peerAddress: undefined }, source: { partition: 0, offset: 0n } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtelgateError);
    expect((error as OtelgateError).retryable).toBe(true);
    expect(seen).toHaveLength(3);
    expect(seen[0].headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      'x-scope-orgid': 'acme',
    });
  });
});
