// Exporter encoding cost, single thread (figures are per core), Elasticsearch and
// Prometheus themselves excluded:
// - spans / log records: OTLP protobuf bytes -> decode -> documents + ids -> `_bulk` body;
// - metric points: OTLP protobuf bytes -> decode -> Prometheus translation -> WriteRequest -> snappy.
// Inputs are encoded before timing; CPU time of this process is the figure.
import { elasticsearchExporterConfigSchema } from '@otelgate/pipelines/exporters/elasticsearch/config.ts';
import { BulkBody } from '@otelgate/pipelines/exporters/elasticsearch/bulk-request.ts';
import { bulkOperations } from '@otelgate/pipelines/exporters/elasticsearch/elasticsearch-exporter.ts';
import { DeltaToCumulative } from '@otelgate/pipelines/exporters/prometheus/delta-to-cumulative.ts';
import { translateMetrics } from '@otelgate/pipelines/exporters/prometheus/translate.ts';
import { encodeWriteRequest } from '@otelgate/pipelines/exporters/prometheus/write-request.ts';
import type { ExportItem } from '@otelgate/pipelines/components/component.ts';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { Metric, MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { decodeLogs, decodeMetrics, decodeTraces } from '@otelgate/pipelines/otlp/decode.ts';
import { encodeLogs, encodeMetrics, encodeTraces } from '@otelgate/pipelines/otlp/encode.ts';
import snappy from 'snappy';

const quick = process.argv.includes('--quick');
const SECONDS_PER_CASE = quick ? 1 : 6;
const BATCH = 100;

let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number) => Math.floor(random() * n);
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
const s = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const i64 = (key: string, value: number): KeyValue => ({ key, value: { intValue: BigInt(value) } });
const ROUTES = ['/api/orders/:id', '/api/cart', '/api/users/:id/profile', '/checkout', '/api/search'];
const resource = [
  s('service.name', 'shop'),
  s('service.instance.id', hex(16)),
  s('host.name', 'node-1'),
  s('deployment.environment', 'prod'),
];
const scope = {
  name: '@opentelemetry/instrumentation-http',
  version: '0.301.0',
  attributes: [],
  droppedAttributesCount: 0,
};
const now = BigInt(Date.now()) * 1_000_000n;

function span(): Span {
  const route = ROUTES[int(ROUTES.length)];
  const attributes: KeyValue[] = [
    s('http.request.method', 'GET'),
    s('http.route', route),
    s('url.path', route.replace(':id', String(int(100000)))),
    i64('http.response.status_code', 200),
    s('server.address', 'shop.example.com'),
    i64('server.port', 443),
    s('client.address', `81.2.${int(256)}.${int(256)}`),
    s('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36'),
    s('network.protocol.version', '1.1'),
    s('url.scheme', 'https'),
    { key: 'geo.location.lat', value: { doubleValue: 51.5 } },
    { key: 'geo.location.lon', value: { doubleValue: -0.12 } },
    s('geo.country.iso_code', 'GB'),
  ];
  return {
    traceId: hex(32),
    spanId: hex(16),
    traceState: '',
    parentSpanId: hex(16),
    flags: 1,
    name: `GET ${route}`,
    kind: 2,
    startTimeUnixNano: now,
    endTimeUnixNano: now + BigInt(int(500_000_000)),
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
}

function tracesBatch(): Uint8Array {
  const data: TracesData = {
    resourceSpans: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope, schemaUrl: '', spans: Array.from({ length: BATCH }, span) }],
      },
    ],
  };
  return encodeTraces(data);
}

function logsBatch(): Uint8Array {
  const data: LogsData = {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: Array.from({ length: BATCH }, () => ({
              timeUnixNano: now + BigInt(int(1e9)),
              observedTimeUnixNano: now,
              severityNumber: 9,
              severityText: 'INFO',
              body: {
                stringValue: `order ${int(1e6)} shipped to customer ${hex(8)} via carrier ${int(20)} after ${int(500)} ms in queue ${hex(4)}`,
              },
              attributes: [
                s('logger.name', 'orders'),
                s('thread.name', 'main'),
                i64('order.id', int(1e6)),
                s('http.route', ROUTES[int(ROUTES.length)]),
              ],
              droppedAttributesCount: 0,
              flags: 1,
              traceId: hex(32),
              spanId: hex(16),
              eventName: '',
            })),
          },
        ],
      },
    ],
  };
  return encodeLogs(data);
}

function metricsBatch(): { bytes: Uint8Array; points: number } {
  const point = (attributes: KeyValue[]) => ({
    attributes,
    startTimeUnixNano: now - 60_000_000_000n,
    timeUnixNano: now,
    exemplars: [],
    flags: 0,
  });
  const metrics: Metric[] = [];
  let points = 0;
  for (let m = 0; m < 5; m++) {
    const attrs = Array.from({ length: 20 }, (_, k) => [
      s('http.route', ROUTES[k % ROUTES.length]),
      i64('http.response.status_code', 200 + k),
    ]);
    metrics.push({
      name: `http.server.requests.${m}`,
      description: '',
      unit: '{request}',
      metadata: [],
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: attrs.map((a) => ({ ...point(a), asInt: BigInt(int(1e6)) })),
      },
    });
    metrics.push({
      name: `process.memory.${m}`,
      description: '',
      unit: 'By',
      metadata: [],
      gauge: { dataPoints: attrs.map((a) => ({ ...point(a), asDouble: random() * 1e9 })) },
    });
    metrics.push({
      name: `http.server.request.duration.${m}`,
      description: '',
      unit: 's',
      metadata: [],
      histogram: {
        aggregationTemporality: 2,
        dataPoints: attrs.map((a) => ({
          ...point(a),
          count: 100n,
          sum: 12.5,
          bucketCounts: Array.from({ length: 16 }, () => BigInt(int(10))),
          explicitBounds: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 15],
        })),
      },
    });
    points += 60;
  }
  const data: MetricsData = {
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [{ scope, schemaUrl: '', metrics }],
      },
    ],
  };
  return { bytes: encodeMetrics(data), points };
}

function measure(work: () => number): { perSecond: number; cpuSecondsPerMillion: number } {
  for (let i = 0; i < 20; i++) work(); // warm-up
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let items = 0;
  while (performance.now() - start < SECONDS_PER_CASE * 1000) items += work();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    perSecond: Math.round(items / cpuSeconds),
    cpuSecondsPerMillion: Number(((cpuSeconds / items) * 1e6).toFixed(2)),
  };
}

const config = elasticsearchExporterConfigSchema.parse({});
const ctx = { tenant: 'acme', peerAddress: undefined };
const traceInputs = Array.from({ length: 50 }, tracesBatch);
const logInputs = Array.from({ length: 50 }, logsBatch);
const metricInputs = Array.from({ length: 20 }, metricsBatch);
let bodyBytes = 0;

let t = 0;
const spans = measure(() => {
  const data = decodeTraces(traceInputs[t++ % traceInputs.length]);
  const body = new BulkBody();
  for (const op of bulkOperations(config, 'traces', [
    { data, ctx, source: { partition: 0, offset: 0n } } as ExportItem,
  ]))
    body.add(op);
  bodyBytes += body.bytes;
  return body.count;
});
let l = 0;
const logs = measure(() => {
  const data = decodeLogs(logInputs[l++ % logInputs.length]);
  const body = new BulkBody();
  for (const op of bulkOperations(config, 'logs', [{ data, ctx, source: { partition: 0, offset: 0n } } as ExportItem]))
    body.add(op);
  bodyBytes += body.bytes;
  return body.count;
});
let m = 0;
let samples = 0;
let pointsDone = 0;
const options = {
  addMetricSuffixes: true,
  promoteResourceAttributes: new Set<string>(),
  targetInfo: true,
  scopeLabels: true,
};
const deltas = new DeltaToCumulative(1000, 3_600_000);
const points = measure(() => {
  const input = metricInputs[m++ % metricInputs.length];
  const translation = translateMetrics(decodeMetrics(input.bytes), options, deltas);
  const body = encodeWriteRequest([...translation.series.values()], [...translation.metadata.values()]);
  bodyBytes += snappy.compressSync(Buffer.from(body.buffer, body.byteOffset, body.byteLength)).length;
  samples += translation.series.size;
  pointsDone += input.points;
  return input.points;
});

console.error(`(encoded ${bodyBytes} bytes in total)`);
console.log(
  JSON.stringify({
    scenario: 'exporters',
    rows: [
      {
        case: 'spans: OTLP bytes -> _bulk body',
        figures: { spans_per_cpu_s: spans.perSecond, cpu_s_per_million: spans.cpuSecondsPerMillion },
      },
      {
        case: 'log records: OTLP bytes -> _bulk body',
        figures: { records_per_cpu_s: logs.perSecond, cpu_s_per_million: logs.cpuSecondsPerMillion },
      },
      {
        case: 'metric points: OTLP bytes -> snappy WriteRequest',
        figures: {
          points_per_cpu_s: points.perSecond,
          cpu_s_per_million: points.cpuSecondsPerMillion,
          // An explicit histogram point becomes one sample per bucket plus _sum and _count.
          samples_per_cpu_s: Math.round((points.perSecond * samples) / pointsDone),
        },
      },
    ],
  }),
);
