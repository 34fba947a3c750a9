// OTLP requests for the workers comparison, built with otelgate's encoder. Every metric name
// carries the run id, so each run writes series of its own and its samples can be counted in
// Prometheus; every (series, timestamp) pair is unique, so no sample overwrites another.
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { encodeMetrics, encodeTraces } from '@otelgate/pipelines/otlp/encode.ts';

export const METRICS_PER_MESSAGE = 10;
export const POINTS_PER_METRIC = 10;
export const POINTS_PER_MESSAGE = METRICS_PER_MESSAGE * POINTS_PER_METRIC;
export const SPANS_PER_MESSAGE = 100;
/** Resources (service.instance.id) the metrics messages cycle through. */
export const INSTANCES = 20;

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): KeyValue => ({ key, value: { intValue: BigInt(value) } });
const scope = { name: 'otelgate-bench', version: '1.0.0', attributes: [], droppedAttributesCount: 0 };

/** Metric names of a run: `bench_<run>_g<j>` (gauges, no unit, so no suffix on either side). */
export function metricNames(run: string): string[] {
  return Array.from({ length: METRICS_PER_MESSAGE }, (_, m) => `bench_${run}_g${m}`);
}

/** Message `index` of a run: one resource, 10 gauges x 10 points, timestamps 1 ms apart per message. */
export function metricsMessage(run: string, index: number, startMs: number): Uint8Array {
  const time = BigInt(startMs + index) * 1_000_000n;
  const data: MetricsData = {
    resourceMetrics: [
      {
        resource: {
          attributes: [str('service.name', `bench-${run}`), str('service.instance.id', `i${index % INSTANCES}`)],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope,
            schemaUrl: '',
            metrics: Array.from({ length: METRICS_PER_MESSAGE }, (_, m) => ({
              name: metricNames(run)[m],
              description: 'bench gauge',
              unit: '',
              metadata: [],
              gauge: {
                dataPoints: Array.from({ length: POINTS_PER_METRIC }, (_, p) => ({
                  attributes: [str('series', `s${p}`), str('region', p % 2 ? 'eu' : 'us')],
                  startTimeUnixNano: 0n,
                  timeUnixNano: time,
                  asDouble: index + m + p / 10,
                  exemplars: [],
                  flags: 0,
                })),
              },
            })),
          },
        ],
      },
    ],
  };
  return encodeMetrics(data);
}

/** Message `index`: one trace of 100 spans (a root and its children) with HTTP-like attributes. */
export function tracesMessage(run: string, index: number, startMs: number): Uint8Array {
  const traceId = (index + 1).toString(16).padStart(24, '0') + run.slice(0, 8).padStart(8, '0');
  const start = BigInt(startMs + index) * 1_000_000n;
  const spans: Span[] = Array.from({ length: SPANS_PER_MESSAGE }, (_, s) => ({
    traceId: hex32(traceId),
    spanId: (s + 1).toString(16).padStart(16, '0'),
    traceState: '',
    parentSpanId: s === 0 ? '' : '0000000000000001',
    flags: 1,
    name: s === 0 ? 'GET /api/orders/{id}' : `SELECT orders ${s % 7}`,
    kind: s === 0 ? 2 : 3,
    startTimeUnixNano: start + BigInt(s) * 1000n,
    endTimeUnixNano: start + BigInt(s) * 1000n + 500_000n,
    attributes: [
      str('http.request.method', 'GET'),
      str('http.route', '/api/orders/{id}'),
      int('http.response.status_code', s % 10 === 0 ? 500 : 200),
      str('server.address', 'orders.internal'),
      str('db.system', 'postgresql'),
      str('user.id', `u${(index * 7 + s) % 1000}`),
    ],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: s % 10 === 0 ? 2 : 0, message: '' },
  }));
  const data: TracesData = {
    resourceSpans: [
      {
        resource: {
          attributes: [str('service.name', `bench-${run}`), str('service.instance.id', `i${index % INSTANCES}`)],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeSpans: [{ scope, schemaUrl: '', spans }],
      },
    ],
  };
  return encodeTraces(data);
}

function hex32(value: string): string {
  return value
    .replace(/[^0-9a-f]/g, '0')
    .slice(-32)
    .padStart(32, '0');
}
