// The real OpenTelemetry JS SDK exporters, over every transport, into a running gateway:
// the file exporter's output must hold every item with its content intact.
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, exportedSpans, readFileExport } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

let gateway: GatewayProcess;
let outPath: string;

beforeAll(async () => {
  gateway = await startGatewayProcess();
  outPath = `${gateway.dir}/out.ndjson`;
});

afterAll(async () => {
  expect(await gateway.kill('SIGTERM')).toBe(0);
});

const transports = ['grpc', 'http/protobuf', 'http/json'] as const;
type Transport = (typeof transports)[number];

function traceExporter(transport: Transport): SpanExporter {
  if (transport === 'grpc') return new GrpcTraceExporter({ url: `http://${gateway.grpcAddress}` });
  const url = `${gateway.httpUrl}/v1/traces`;
  return transport === 'http/json' ? new JsonTraceExporter({ url }) : new ProtoTraceExporter({ url });
}

function metricExporter(transport: Transport): PushMetricExporter {
  if (transport === 'grpc') return new GrpcMetricExporter({ url: `http://${gateway.grpcAddress}` });
  const url = `${gateway.httpUrl}/v1/metrics`;
  return transport === 'http/json' ? new JsonMetricExporter({ url }) : new ProtoMetricExporter({ url });
}

function logExporter(transport: Transport) {
  if (transport === 'grpc') return new GrpcLogExporter({ url: `http://${gateway.grpcAddress}` });
  const url = `${gateway.httpUrl}/v1/logs`;
  return transport === 'http/json' ? new JsonLogExporter({ url }) : new ProtoLogExporter({ url });
}

describe('gzip', () => {
  it.each(['grpc', 'http/protobuf', 'http/json'] as const)(
    'delivers gzip-compressed spans over %s',
    async (transport) => {
      const compression = 'gzip' as never;
      const exporter =
        transport === 'grpc'
          ? new GrpcTraceExporter({ url: `http://${gateway.grpcAddress}`, compression })
          : transport === 'http/json'
            ? new JsonTraceExporter({ url: `${gateway.httpUrl}/v1/traces`, compression })
            : new ProtoTraceExporter({ url: `${gateway.httpUrl}/v1/traces`, compression });
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': `gzip-${transport}` }),
        spanProcessors: [new BatchSpanProcessor({ exporter })],
      });
      const ids = new Set<string>();
      for (let index = 0; index < 30; index++) {
        const span = provider
          .getTracer('gzip')
          .startSpan(`gzip-${index}`, { attributes: { padding: 'x'.repeat(200) } });
        ids.add(span.spanContext().spanId);
        span.end();
      }
      await provider.forceFlush();
      await provider.shutdown();
      await eventually(
        () =>
          new Set(
            exportedSpans(outPath)
              .filter((span) => ids.has(span.spanId))
              .map((span) => span.spanId),
          ).size === ids.size,
      );
    },
  );
});

describe.each(transports)('over %s', (transport) => {
  const service = `svc-${transport.replace('/', '-')}`;
  const resource = resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'test' });

  it('delivers every span with its attributes, events and status', async () => {
    const provider = new TracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor({ exporter: traceExporter(transport) })],
    });
    const tracer = provider.getTracer('e2e', '1.0.0');
    const sent = new Map<string, string>();
    for (let index = 0; index < 120; index++) {
      const span = tracer.startSpan(`op-${index}`, {
        attributes: { 'test.index': index, 'test.flag': index % 2 === 0, 'test.ratio': (index + 0.5) / 7 },
      });
      span.addEvent('checkpoint', { 'test.note': `note ${index} ✓` });
      if (index % 10 === 0) span.setStatus({ code: 2, message: 'boom' });
      sent.set(span.spanContext().spanId, `op-${index}`);
      span.end();
    }
    await provider.forceFlush();
    await provider.shutdown();

    const arrived = await eventually(() => {
      const spans = exportedSpans(outPath).filter((span) => sent.has(span.spanId));
      return new Set(spans.map((span) => span.spanId)).size === sent.size ? spans : undefined;
    });
    for (const span of arrived) {
      expect(span.name).toBe(sent.get(span.spanId));
      const index = Number(span.name.slice(3));
      const attributes = Object.fromEntries((span.attributes ?? []).map((kv) => [kv.key, kv.value]));
      expect(attributes['test.index']).toEqual({ intValue: String(index) });
      expect(attributes['test.flag']).toEqual({ boolValue: index % 2 === 0 });
      expect(attributes['test.ratio']).toEqual({ doubleValue: (index + 0.5) / 7 });
      const full = span as unknown as { events: { name: string; attributes: unknown[] }[]; status?: { code?: number } };
      expect(full.events[0].name).toBe('checkpoint');
      expect(full.events[0].attributes).toEqual([{ key: 'test.note', value: { stringValue: `note ${index} ✓` } }]);
      expect(full.status?.code ?? 0).toBe(index % 10 === 0 ? 2 : 0);
    }
  });

  it('delivers counters, histograms and gauges with their values', async () => {
    const exporter = metricExporter(transport);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ resource, readers: [reader] });
    const meter = provider.getMeter('e2e');
    const prefix = `e2e_${transport.replace(/\W/g, '_')}`;
    meter.createCounter(`${prefix}_requests`).add(42, { route: '/a' });
    const histogram = meter.createHistogram(`${prefix}_latency`, { unit: 'ms' });
    for (const value of [1, 5, 50, 500]) histogram.record(value);
    meter.createObservableGauge(`${prefix}_temperature`).addCallback((result) => result.observe(21.5));
    meter.createUpDownCounter(`${prefix}_queue`).add(-3);
    await provider.forceFlush();
    await provider.shutdown();

    const metrics = await eventually(() => {
      const found = new Map<string, Record<string, unknown>>();
      for (const request of readFileExport(outPath)) {
        for (const rm of (request.resourceMetrics as { scopeMetrics: { metrics: Record<string, unknown>[] }[] }[]) ??
          []) {
          for (const sm of rm.scopeMetrics)
            for (const metric of sm.metrics)
              if (String(metric.name).startsWith(prefix)) found.set(String(metric.name), metric);
        }
      }
      return found.size === 4 ? found : undefined;
    });
    const counter = metrics.get(`${prefix}_requests`) as {
      sum: { isMonotonic: boolean; dataPoints: { asInt?: string; asDouble?: number }[] };
    };
    expect(counter.sum.isMonotonic).toBe(true);
    expect(Number(counter.sum.dataPoints[0].asInt ?? counter.sum.dataPoints[0].asDouble)).toBe(42);
    const latency = metrics.get(`${prefix}_latency`) as {
      unit: string;
      histogram: { dataPoints: { count: string; sum: number }[] };
    };
    expect(latency.unit).toBe('ms');
    expect(latency.histogram.dataPoints[0].count).toBe('4');
    expect(latency.histogram.dataPoints[0].sum).toBe(556);
    const gauge = metrics.get(`${prefix}_temperature`) as { gauge: { dataPoints: { asDouble: number }[] } };
    expect(gauge.gauge.dataPoints[0].asDouble).toBe(21.5);
    const queue = metrics.get(`${prefix}_queue`) as {
      sum: { isMonotonic?: boolean; dataPoints: { asInt?: string; asDouble?: number }[] };
    };
    expect(queue.sum.isMonotonic ?? false).toBe(false);
    expect(Number(queue.sum.dataPoints[0].asInt ?? queue.sum.dataPoints[0].asDouble)).toBe(-3);
  });

  it('delivers every log record with its body, severity and attributes', async () => {
    const provider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter: logExporter(transport) })],
    });
    const logger = provider.getLogger('e2e');
    const marker = `marker-${transport}-${Date.now()}`;
    for (let index = 0; index < 60; index++) {
      logger.emit({
        body: `${marker} line ${index}`,
        severityNumber: 9 + (index % 3) * 4,
        severityText: 'INFO',
        attributes: { 'log.index': index },
      });
    }
    await provider.forceFlush();
    await provider.shutdown();

    const records = await eventually(() => {
      const found: { body: { stringValue: string }; severityNumber: number; attributes: unknown[] }[] = [];
      for (const request of readFileExport(outPath)) {
        for (const rl of (request.resourceLogs as { scopeLogs: { logRecords: (typeof found)[number][] }[] }[]) ?? []) {
          for (const sl of rl.scopeLogs)
            for (const record of sl.logRecords) if (record.body?.stringValue?.startsWith(marker)) found.push(record);
        }
      }
      return found.length >= 60 ? found : undefined;
    });
    const byIndex = new Map(records.map((record) => [Number(record.body.stringValue.split(' ').at(-1)), record]));
    expect(byIndex.size).toBe(60);
    for (const [index, record] of byIndex) {
      expect(record.severityNumber).toBe(9 + (index % 3) * 4);
      const attributes = record.attributes as { key: string; value: unknown }[];
      expect(attributes).toContainEqual({ key: 'log.index', value: { intValue: String(index) } });
      // The default processors tag error logs (severity >= ERROR) and leave the rest alone.
      const keys = attributes.map((attribute) => attribute.key);
      if (record.severityNumber >= 17) expect(keys).toContain('otelgate.error.category');
      else expect(keys).toEqual(['log.index']);
    }
  });
});
