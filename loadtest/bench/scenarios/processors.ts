import { createNoopMeter } from '@opentelemetry/api';
// Enrichment processors, each alone and as the default chain (geoip -> redact -> errors), on
// realistic records: spans with 20 attributes (5% errors with a stack trace, 10% carrying PII)
// and 200-byte log lines (10% with PII). Single thread, so figures are per core. Records are
// built before each timed round (processors change them in place); only processing is timed,
// by this process's CPU time (the per-core figure) and by the wall clock.
import { tmpdir } from 'node:os';
import type { Processor } from '@otelgate/pipelines/components/component.ts';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { errorsConfigSchema } from '@otelgate/pipelines/processors/errors/config.ts';
import { errorsProcessorFactory } from '@otelgate/pipelines/processors/errors/factory.ts';
import { geoipConfigSchema } from '@otelgate/pipelines/processors/geoip/config.ts';
import { geoipProcessorFactory } from '@otelgate/pipelines/processors/geoip/factory.ts';
import { redactConfigSchema } from '@otelgate/pipelines/processors/redact/config.ts';
import { redactProcessorFactory } from '@otelgate/pipelines/processors/redact/factory.ts';
import { pino } from 'pino';

const quick = process.argv.includes('--quick');
const SECONDS_PER_CASE = quick ? 0.4 : 4;
const BATCH = 100;
const BATCHES_PER_ROUND = 50;

// Deterministic pseudo-random numbers (mulberry32), so runs compare.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');

// Public addresses spread over many networks (a realistic mix of cache hits and misses).
const ADDRESSES = Array.from(
  { length: 2000 },
  () => `${pick([8, 23, 31, 45, 52, 62, 81, 89, 91, 104, 151, 176, 185, 203])}.${int(256)}.${int(256)}.${1 + int(254)}`,
);
const ROUTES = ['/api/orders/:id', '/api/cart', '/api/users/:id/profile', '/checkout', '/api/search', '/health'];
const STACK = `TypeError: Cannot read properties of undefined (reading 'id')
    at OrderService.load (/srv/shop/src/orders/order-service.js:42:17)
    at async OrderController.get (/srv/shop/src/orders/order-controller.js:17:19)
    at async Promise.all (index 0)
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)`;

const s = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const n = (key: string, value: number): KeyValue => ({ key, value: { intValue: BigInt(value) } });

function span(): Span {
  const error = random() < 0.05;
  const pii = random() < 0.1;
  const route = pick(ROUTES);
  const status = error ? 500 : pick([200, 200, 200, 201, 204, 304, 404]);
  const attributes: KeyValue[] = [
    s('http.request.method', pick(['GET', 'POST', 'PUT'])),
    s('http.route', route),
    s('url.path', route.replace(':id', String(int(100000)))),
    s(
      'url.full',
      `https://shop.example.com${route.replace(':id', String(int(100000)))}?page=${int(20)}${pii ? `&email=user${int(9999)}@example.com` : ''}`,
    ),
    s('url.scheme', 'https'),
    n('http.response.status_code', status),
    s('server.address', 'shop.example.com'),
    n('server.port', 443),
    s('client.address', pick(ADDRESSES)),
    n('client.port', 1024 + int(60000)),
    s(
      'user_agent.original',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    ),
    s('network.protocol.version', '1.1'),
    s('enduser.id', pii ? `user${int(9999)}@example.com` : `u-${hex(12)}`),
    s('session.id', hex(32)),
    s('app.tenant', pick(['acme', 'globex', 'initech'])),
    s('app.cart.items', String(int(12))),
    s('app.feature_flags', 'new-checkout,fast-search'),
    s('deployment.environment.name', 'production'),
    n('app.response.bytes', int(50000)),
    s(
      'app.note',
      pii
        ? `callback +1415555${String(int(10000)).padStart(4, '0')}`
        : `cache ${pick(['hit', 'miss'])} in ${int(30)}ms`,
    ),
  ];
  return {
    traceId: hex(32),
    spanId: hex(16),
    traceState: '',
    parentSpanId: hex(16),
    flags: 1,
    name: `GET ${route}`,
    kind: 2,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_050_000_000n,
    attributes,
    droppedAttributesCount: 0,
    events: error
      ? [
          {
            timeUnixNano: 1_700_000_000_040_000_000n,
            name: 'exception',
            attributes: [
              s('exception.type', 'TypeError'),
              s('exception.message', "Cannot read properties of undefined (reading 'id')"),
              s('exception.stacktrace', STACK),
            ],
            droppedAttributesCount: 0,
          },
        ]
      : [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: error ? 2 : 0, message: '' },
  };
}

/** About 200 bytes, like a typical application log line. */
function logLine(): string {
  const base = `${new Date(1_700_000_000_000 + int(1e9)).toISOString()} ${pick(['INFO', 'INFO', 'WARN', 'DEBUG'])} [${pick(['checkout', 'orders', 'auth'])}] `;
  const body =
    random() < 0.1
      ? pick([
          `password reset requested by user${int(9999)}@example.com from the web app, request_id=${hex(16)}`,
          `charge declined for card 4111 1111 1111 1111 amount=${int(500)}.00 EUR request_id=${hex(16)}`,
          `login ok user=alice token=${hex(32)} ip=${pick(ADDRESSES)} took ${int(90)}ms`,
        ])
      : `handled ${pick(['GET', 'POST'])} ${pick(ROUTES)} status=${pick([200, 201, 404])} in ${int(300)}ms trace_id=${hex(32)} span_id=${hex(16)}`;
  return (base + body).padEnd(200, ' ').slice(0, 200);
}

function logRecord(): LogRecord {
  return {
    timeUnixNano: 1_700_000_000_000_000_000n,
    observedTimeUnixNano: 1_700_000_000_000_000_000n,
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: logLine() },
    attributes: [s('log.file.name', 'app.log'), s('client.address', pick(ADDRESSES))],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: hex(32),
    spanId: hex(16),
    eventName: '',
  };
}

const scope = { name: 'bench', version: '1', attributes: [], droppedAttributesCount: 0 };
const resource = () => ({
  attributes: [s('service.name', 'shop'), s('host.name', `web-${int(20)}`)],
  droppedAttributesCount: 0,
});
const tracesBatch = (): TracesData => ({
  resourceSpans: [
    {
      resource: resource(),
      schemaUrl: '',
      scopeSpans: [{ scope, schemaUrl: '', spans: Array.from({ length: BATCH }, span) }],
    },
  ],
});
const logsBatch = (): LogsData => ({
  resourceLogs: [
    {
      resource: resource(),
      schemaUrl: '',
      scopeLogs: [{ scope, schemaUrl: '', logRecords: Array.from({ length: BATCH }, logRecord) }],
    },
  ],
});

const context = {
  id: 'bench',
  dataDir: tmpdir(),
  meter: createNoopMeter(),
  logger: pino({ level: 'silent' }),
  emit: () => {},
};
const geoip = await geoipProcessorFactory.create(geoipConfigSchema.parse({ reloadCheckIntervalMs: 0 }), context);
const redact = await redactProcessorFactory.create(redactConfigSchema.parse({}), context);
const errors = await errorsProcessorFactory.create(errorsConfigSchema.parse({}), context);
const ctx = { tenant: undefined, peerAddress: undefined };

async function measure(signal: 'traces' | 'logs', chain: Processor[]): Promise<Record<string, number>> {
  const build: () => TracesData | LogsData = signal === 'traces' ? tracesBatch : logsBatch;
  // Warm-up: JIT, geoip cache.
  for (let i = 0; i < (quick ? 10 : 40); i++) for (const p of chain) await p.process(signal, build(), ctx);
  let records = 0;
  let elapsed = 0;
  let cpu = 0;
  while (elapsed < SECONDS_PER_CASE * 1000) {
    const batches = Array.from({ length: BATCHES_PER_ROUND }, () => build());
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) {
      let data = batch;
      for (const p of chain) data = (await p.process(signal, data, ctx)) as typeof batch;
    }
    elapsed += performance.now() - started;
    const used = process.cpuUsage(cpuBefore);
    cpu += (used.user + used.system) / 1e6;
    records += BATCHES_PER_ROUND * BATCH;
  }
  // Per core: records over the CPU time this process spent on them (robust on a shared
  // machine); the wall-clock rate is shown too.
  return {
    records_per_cpu_s: Math.round(records / cpu),
    records_per_wall_s: Math.round(records / (elapsed / 1000)),
    cpu_s_per_million: Number(((cpu / records) * 1e6).toFixed(2)),
  };
}

const rows = [];
for (const [name, signal, chain] of [
  ['geoip, spans (20 attributes)', 'traces', [geoip]],
  ['redact, spans (20 attributes)', 'traces', [redact]],
  ['redact, log lines (200 B)', 'logs', [redact]],
  ['errors, spans (20 attributes)', 'traces', [errors]],
  ['errors, log lines (200 B)', 'logs', [errors]],
  ['chain geoip>redact>errors, spans', 'traces', [geoip, redact, errors]],
  ['chain geoip>redact>errors, log lines', 'logs', [geoip, redact, errors]],
] as const) {
  process.stderr.write(`  ${name}...\n`);
  rows.push({ case: name, figures: await measure(signal, [...chain]) });
}
await geoip.shutdown?.();
process.stdout.write(`${JSON.stringify({ scenario: 'processors (one core)', rows })}\n`);
