// Access-log lines -> logmetrics -> prometheus exporter -> real Prometheus: a service that only
// writes request lines gets a latency histogram whose quantiles match the durations in the lines.
import { randomUUID } from 'node:crypto';
import { createNoopMeter } from '@opentelemetry/api';
import { prometheusExporterConfigSchema } from '@otelgate/pipelines/exporters/prometheus/config.ts';
import { prometheusExporterFactory } from '@otelgate/pipelines/exporters/prometheus/factory.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import { logmetricsConfigSchema } from '@otelgate/pipelines/processors/logmetrics/config.ts';
import { logmetricsProcessorFactory } from '@otelgate/pipelines/processors/logmetrics/factory.ts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:19090';
const logger = pino({ level: 'silent' });

async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const body = (await (await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

function accessLine(status: number, ms: number): LogRecord {
  return {
    timeUnixNano: 1n,
    observedTimeUnixNano: 1n,
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: `10.1.2.3 - - [04/Dec/2026:20:00:00 +0000] "GET /orders HTTP/1.1" ${status} 812 ${ms}` },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

describe('logmetrics through the prometheus exporter', () => {
  it('turns response times in access-log lines into a histogram whose quantiles match the lines', async () => {
    const service = `access-${randomUUID().slice(0, 8)}`;
    const exporter = await prometheusExporterFactory.create(
      prometheusExporterConfigSchema.parse({ endpoint: `${PROMETHEUS_URL}/api/v1/write` }),
      { id: 'prometheus', dataDir: '/tmp', meter: createNoopMeter(), logger, emit: () => {} },
    );
    const emitted: MetricsData[] = [];
    const processor = await logmetricsProcessorFactory.create(
      logmetricsConfigSchema.parse({
        metrics: [
          {
            name: 'http.server.request.duration',
            type: 'histogram',
            unit: 's',
            pattern: '"(?P<method>[A-Z]+) [^"]*" (?P<status>\\d{3}) \\S+ (?P<response_time_ms>[0-9.]+)$',
            value: 'response_time_ms',
            scale: 0.001,
            buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            labels: [{ name: 'http.response.status_code', from: 'status' }],
          },
        ],
      }),
      {
        id: 'logmetrics',
        dataDir: '/tmp',
        meter: createNoopMeter(),
        logger,
        emit: <S extends Signal>(_signal: S, data: unknown) => emitted.push(data as MetricsData),
      },
    );
    // 100 requests: 90 between 30 and 48 ms, 8 at 200 ms, 2 at 2 s (the slow tail).
    const durations = [
      ...Array.from({ length: 90 }, (_, i) => 30 + (i % 10) * 2),
      ...Array.from({ length: 8 }, () => 200),
      2000,
      2000,
    ];
    const logs: LogsData = {
      resourceLogs: [
        {
          resource: {
            attributes: [
              { key: 'service.namespace', value: { stringValue: 'shop' } },
              { key: 'service.name', value: { stringValue: service } },
              { key: 'service.instance.id', value: { stringValue: `${service}-1` } },
            ],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: durations.map((ms) => accessLine(200, ms)),
            },
          ],
        },
      ],
    };
    processor.process('logs', logs, { tenant: undefined, peerAddress: undefined });
    await processor.shutdown?.();
    expect(emitted).toHaveLength(1);
    const result = await exporter.export('metrics', [
      { data: emitted[0], ctx: { tenant: undefined, peerAddress: undefined }, source: { partition: 0, offset: 0n } },
    ]);
    expect(result.rejected).toEqual([]);
    await exporter.shutdown();

    const selector = `job="shop/${service}", instance="${service}-1", http_response_status_code="200"`;
    const count = await query(`http_server_request_duration_seconds_count{${selector}}`);
    expect(count.map((r) => r.value[1])).toEqual(['100']);
    const mean = await query(
      `http_server_request_duration_seconds_sum{${selector}} / http_server_request_duration_seconds_count{${selector}}`,
    );
    const expectedMean = durations.reduce((a, b) => a + b, 0) / durations.length / 1000;
    expect(Number(mean[0].value[1])).toBeCloseTo(expectedMean, 9);
    const quantile = async (q: number) =>
      Number(
        (
          await query(
            `histogram_quantile(${q}, sum by (le) (http_server_request_duration_seconds_bucket{${selector}}))`,
          )
        )[0].value[1],
      );
    // The median request (30-48 ms) is in the (25 ms, 50 ms] bucket, p95 (200 ms) in (100 ms, 250 ms],
    // p99 (2 s) in (1 s, 2.5 s]: histogram_quantile interpolates inside the bucket holding the rank.
    const p50 = await quantile(0.5);
    expect(p50).toBeGreaterThan(0.025);
    expect(p50).toBeLessThanOrEqual(0.05);
    const p95 = await quantile(0.95);
    expect(p95).toBeGreaterThan(0.1);
    expect(p95).toBeLessThanOrEqual(0.25);
    const p99 = await quantile(0.99);
    expect(p99).toBeGreaterThan(1);
    expect(p99).toBeLessThanOrEqual(2.5);
  });
});
