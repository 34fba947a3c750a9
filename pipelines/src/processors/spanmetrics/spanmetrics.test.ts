import { createNoopMeter } from '@opentelemetry/api';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { spanmetricsConfigSchema } from './config.ts';
import { spanmetricsProcessorFactory } from './factory.ts';

function span(name: string, durationMs: number, status = 0, attributes: Span['attributes'] = []): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name,
    kind: 2,
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 1_000_000_000n + BigInt(durationMs) * 1_000_000n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: status, message: '' },
  };
}

function traces(service: string, spans: Span[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          { scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans },
        ],
      },
    ],
  };
}

async function setup(options: Record<string, unknown> = {}) {
  const emitted: { data: MetricsData; tenant: string | undefined }[] = [];
  const processor = await spanmetricsProcessorFactory.create(
    spanmetricsConfigSchema.parse({ intervalMs: 3_600_000, ...options }),
    {
      id: 'spanmetrics',
      dataDir: '/tmp',
      meter: createNoopMeter(),
      logger: pino({ level: 'silent' }),
      emit: (_signal, data, ctx) => emitted.push({ data: data as MetricsData, tenant: ctx.tenant }),
    },
  );
  return { processor, emitted };
}

const ctx = { tenant: 'acme', peerAddress: undefined };
const attrs = (list: { key: string; value: unknown }[]) =>
  Object.fromEntries(list.map((kv) => [kv.key, Object.values(kv.value as object)[0]]));

describe('spanmetrics processor', () => {
  it('counts calls and durations by service, span name, kind and status, cumulatively across flushes', async () => {
    const { processor, emitted } = await setup({ dimensions: [{ name: 'http.route', default: 'none' }] });
    const data = traces('cart', [
      span('GET /a', 3, 0, [{ key: 'http.route', value: { stringValue: '/a' } }]),
      span('GET /a', 30, 2),
      span('GET /a', 1500, 2),
    ]);
    expect(processor.process('traces', data, ctx)).toBe(data);
    await processor.shutdown?.();
    processor.process('traces', traces('cart', [span('GET /a', 20, 2)]), ctx);
    await processor.shutdown?.();

    expect(emitted).toHaveLength(2);
    expect(emitted[0].tenant).toBe('acme');
    const [calls, duration] = emitted[1].data.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(calls.name).toBe('traces.span.metrics.calls');
    expect(duration.name).toBe('traces.span.metrics.duration');
    expect(duration.unit).toBe('s');
    const errors = calls.sum?.dataPoints.find((p) => attrs(p.attributes)['status.code'] === 'STATUS_CODE_ERROR');
    expect(attrs(errors?.attributes ?? [])).toEqual({
      'service.name': 'cart',
      'span.name': 'GET /a',
      'span.kind': 'SPAN_KIND_SERVER',
      'status.code': 'STATUS_CODE_ERROR',
      'http.route': 'none',
    });
    expect(errors?.asInt).toBe(3n);
    const hist = duration.histogram?.dataPoints.find((p) => attrs(p.attributes)['status.code'] === 'STATUS_CODE_ERROR');
    expect(hist?.count).toBe(3n);
    expect(hist?.sum).toBeCloseTo(1.55, 6);
    // 20 ms and 30 ms in (0.01, 0.05]; 1.5 s in (1.4, 2].
    expect(hist?.bucketCounts[hist.explicitBounds.indexOf(0.05)]).toBe(2n);
    expect(hist?.bucketCounts[hist.explicitBounds.indexOf(2)]).toBe(1n);
    expect(hist?.exemplars[0].traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('puts spans of series past the cap into one overflow series', async () => {
    const { processor, emitted } = await setup({ maxSeriesPerTenant: 2 });
    processor.process('traces', traces('svc', [span('a', 1), span('b', 1), span('c', 1), span('d', 1)]), ctx);
    await processor.shutdown?.();
    const points = emitted[0].data.resourceMetrics[0].scopeMetrics[0].metrics[0].sum?.dataPoints ?? [];
    expect(points).toHaveLength(3);
    const overflow = points.find((p) => attrs(p.attributes)['otel.metric.overflow'] === true);
    expect(overflow?.asInt).toBe(2n);
  });
});
