import { createNoopMeter, type Meter } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { logmetricsConfigSchema } from './config.ts';
import { logmetricsProcessorFactory } from './factory.ts';

const ACCESS_LOG =
  '^(?P<client>\\S+) \\S+ \\S+ \\[[^\\]]*\\] "(?P<method>[A-Z]+) (?P<path>[^ "]*)[^"]*" (?P<status>\\d{3}) \\S+ (?P<response_time_ms>[0-9.]+)$';

function record(body: string | undefined, severityNumber = 9, attributes: KeyValue[] = []): LogRecord {
  return {
    timeUnixNano: 1n,
    observedTimeUnixNano: 1n,
    severityNumber,
    severityText: '',
    body: body === undefined ? undefined : { stringValue: body },
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

const s = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

function logs(resource: KeyValue[], records: LogRecord[]): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: records,
          },
        ],
      },
    ],
  };
}

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

async function setup(options: Record<string, unknown>, meter: Meter = createNoopMeter()) {
  const emitted: { data: MetricsData; tenant: string | undefined }[] = [];
  const processor = await logmetricsProcessorFactory.create(
    logmetricsConfigSchema.parse({ intervalMs: 3_600_000, ...options }),
    {
      id: 'logmetrics',
      dataDir: '/tmp',
      meter,
      logger: pino({ level: 'silent' }),
      emit: (_signal, data, ctx) => emitted.push({ data: data as MetricsData, tenant: ctx.tenant }),
    },
  );
  return { processor, emitted };
}

const ctx = { tenant: 'acme', peerAddress: undefined };
const attrs = (list: { key: string; value: unknown }[]) =>
  Object.fromEntries(list.map((kv) => [kv.key, Object.values(kv.value as object)[0]]));
const line = (path: string, status: number, ms: number) =>
  `10.0.0.1 - - [04/Dec/2026:20:00:00 +0000] "GET ${path} HTTP/1.1" ${status} 512 ${ms}`;

describe('logmetrics processor', () => {
  it('observes response times parsed from access-log lines into a histogram with the service job and instance', async () => {
    const { processor, emitted } = await setup({
      metrics: [
        {
          name: 'http.server.request.duration',
          type: 'histogram',
          unit: 's',
          pattern: ACCESS_LOG,
          value: 'response_time_ms',
          scale: 0.001,
          buckets: [0.05, 0.1, 0.5, 1],
          labels: [
            { name: 'http.request.method', from: 'method' },
            { name: 'http.response.status_code', from: 'status' },
          ],
        },
      ],
    });
    const resource = [
      s('service.namespace', 'shop'),
      s('service.name', 'api'),
      s('service.instance.id', 'api-1'),
      s('host.name', 'h'),
    ];
    const data = logs(resource, [
      record(line('/a', 200, 20)),
      record(line('/a', 200, 80)),
      record(line('/b', 200, 700)),
      record(line('/b', 500, 30)),
      record('not an access log line'),
    ]);
    expect(processor.process('logs', data, ctx)).toBe(data);
    await processor.shutdown?.();

    expect(emitted).toHaveLength(1);
    expect(emitted[0].tenant).toBe('acme');
    const rm = emitted[0].data.resourceMetrics[0];
    expect(attrs(rm.resource.attributes)).toEqual({
      'service.namespace': 'shop',
      'service.name': 'api',
      'service.instance.id': 'api-1',
    });
    const metric = rm.scopeMetrics[0].metrics[0];
    expect(metric.name).toBe('http.server.request.duration');
    expect(metric.unit).toBe('s');
    const ok = metric.histogram?.dataPoints.find((p) => attrs(p.attributes)['http.response.status_code'] === '200');
    expect(attrs(ok?.attributes ?? [])).toEqual({ 'http.request.method': 'GET', 'http.response.status_code': '200' });
    expect(ok?.count).toBe(3n);
    expect(ok?.sum).toBeCloseTo(0.8, 9);
    expect(ok?.explicitBounds).toEqual([0.05, 0.1, 0.5, 1]);
    expect(ok?.bucketCounts).toEqual([1n, 1n, 0n, 1n, 0n]);
  });

  it('counts records by severity and by attribute match, cumulatively across flushes', async () => {
    const { processor, emitted } = await setup({
      metrics: [
        { name: 'log.records', type: 'counter', labels: [{ name: 'severity', from: '@severity' }] },
        {
          name: 'payment.failures',
          type: 'counter',
          match: { minSeverityNumber: 17, attributes: { 'event.domain': 'payments' } },
        },
      ],
    });
    const payments = [s('event.domain', 'payments')];
    processor.process(
      'logs',
      logs(
        [s('service.name', 'billing')],
        [record('a', 9), record('b', 17, payments), record('c', 17), record('d', 13, payments)],
      ),
      ctx,
    );
    await processor.shutdown?.();
    processor.process('logs', logs([s('service.name', 'billing')], [record('e', 21, payments)]), ctx);
    await processor.shutdown?.();

    const [records, failures] = emitted[1].data.resourceMetrics[0].scopeMetrics[0].metrics;
    const bySeverity = Object.fromEntries(
      (records.sum?.dataPoints ?? []).map((p) => [attrs(p.attributes).severity, p.asDouble]),
    );
    expect(bySeverity).toEqual({ INFO: 1, ERROR: 2, WARN: 1, FATAL: 1 });
    expect(records.sum?.isMonotonic).toBe(true);
    expect(failures.sum?.dataPoints.map((p) => p.asDouble)).toEqual([2]);
  });

  it('counts a value that is not a number as dropped, and keeps a body past maxBodyLength out of the pattern', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const { processor, emitted } = await setup(
      {
        maxBodyLength: 200,
        metrics: [{ name: 'duration', type: 'histogram', pattern: 'took (?P<ms>\\S+)', value: 'ms', unit: 'ms' }],
      },
      provider.getMeter('test'),
    );
    const dropped = async () => {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics[0].metrics.find(
        (m) => m.descriptor.name === 'otelgate_processor_logmetrics_dropped_records',
      );
      return Object.fromEntries((metric?.dataPoints ?? []).map((p) => [p.attributes.reason, p.value]));
    };
    expect(await dropped()).toEqual({ not_a_number: 0, body_too_long: 0 });
    processor.process(
      'logs',
      logs([], [record('took fast'), record(`took 5 ${'x'.repeat(300)}`), record('took 7')]),
      ctx,
    );
    await processor.shutdown?.();
    expect(await dropped()).toEqual({ not_a_number: 1, body_too_long: 1 });
    await provider.shutdown();
    const point = emitted[0].data.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram?.dataPoints[0];
    expect(point?.count).toBe(1n);
    expect(point?.sum).toBe(7);
    expect(point?.explicitBounds[0]).toBe(2);
  });

  it('puts records of series past the cap into the metric overflow series', async () => {
    const { processor, emitted } = await setup({
      maxSeriesPerTenant: 2,
      metrics: [{ name: 'hits', type: 'counter', pattern: 'path=(?P<path>\\S+)', labels: [{ name: 'path' }] }],
    });
    processor.process(
      'logs',
      logs(
        [],
        ['/a', '/b', '/c', '/d', '/c'].map((p) => record(`path=${p}`)),
      ),
      ctx,
    );
    await processor.shutdown?.();
    const points = emitted[0].data.resourceMetrics[0].scopeMetrics[0].metrics[0].sum?.dataPoints ?? [];
    expect(points).toHaveLength(3);
    expect(points.find((p) => attrs(p.attributes)['otel.metric.overflow'] === true)?.asDouble).toBe(3);
  });

  it('refuses a pattern that needs backtracking, a histogram without a value and a metric defined twice', () => {
    const parse = (metrics: unknown[]) => logmetricsConfigSchema.safeParse({ metrics });
    const backref = parse([{ name: 'a', type: 'counter', pattern: '(a)\\1' }]);
    expect(backref.success).toBe(false);
    expect(backref.error?.issues[0].message).toMatch(/not a linear-time pattern/);
    expect(parse([{ name: 'a', type: 'counter', pattern: 'x*' }]).error?.issues[0].message).toBe(
      'matches the empty string',
    );
    expect(parse([{ name: 'a', type: 'histogram' }]).error?.issues[0].path).toEqual(['metrics', 0, 'value']);
    expect(
      parse([
        { name: 'a', type: 'counter' },
        { name: 'a', type: 'counter' },
      ]).error?.issues[0].message,
    ).toBe('metric a is defined twice');
  });
});
