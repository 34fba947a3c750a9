import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, eventually, otelEnv } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { type FlatSpan, flattenLogs, flattenMetrics, flattenSpans } from './support/otlp-records.ts';

const PG_URL = process.env.PG_URL;
const REDIS_URL = process.env.REDIS_URL;

describe('@otelgate/node on examples/api', () => {
  const capture = new OtlpCapture();
  const service = `examples-api-${randomUUID().slice(0, 8)}`;
  let api: AppProcess;
  let base = '';

  beforeAll(async () => {
    if (!PG_URL || !REDIS_URL) throw new Error('PG_URL and REDIS_URL must be set (test/services/postgres, redis)');
    await capture.start();
    api = new AppProcess('examples/api/server.ts', {
      ...otelEnv(capture.url, service),
      PG_URL,
      REDIS_URL,
      PORT: '0',
      QUEUE_NAME: `node-test-${randomUUID()}`,
    });
    const [, port] = await api.waitForOutput(/LISTENING port=(\d+)/);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await api?.stop();
    await capture.stop();
  });

  const spans = () => flattenSpans(capture.requests.traces).filter((s) => s.resource['service.name'] === service);
  const descendantsOf = (root: FlatSpan, all: FlatSpan[]): FlatSpan[] => {
    const out: FlatSpan[] = [];
    const walk = (id: string) => {
      for (const s of all.filter((c) => c.parentSpanId === id)) {
        out.push(s);
        walk(s.spanId);
      }
    };
    walk(root.spanId);
    return out;
  };

  it('exports an HTTP server span with PostgreSQL and Redis child spans in the same trace', async () => {
    const response = await fetch(`${base}/api/items/42`);
    expect(response.status).toBe(200);
    expect((await response.json()).id).toBe(42);

    const { server, children } = await eventually(() => {
      const all = spans();
      const server = all.find((s) => s.kind === 2 && s.attributes['http.route'] === '/api/items/:id');
      if (!server) return undefined;
      const children = descendantsOf(server, all);
      const hasPg = children.some(
        (s) => s.attributes['db.system.name'] === 'postgresql' || s.attributes['db.system'] === 'postgresql',
      );
      const hasRedis = children.some(
        (s) => s.attributes['db.system.name'] === 'redis' || s.attributes['db.system'] === 'redis',
      );
      return hasPg && hasRedis ? { server, children } : undefined;
    }, 'server span with pg and redis children');

    expect(server.resource['service.name']).toBe(service);
    expect(server.resource['deployment.environment.name']).toBe('test');
    expect(server.resource['process.pid']).toBeTypeOf('number');
    expect(server.resource['host.name']).toBeTypeOf('string');
    const queries = children.filter((s) => s.attributes['db.query.text'] ?? s.attributes['db.statement']);
    const pg = queries.find((s) =>
      String(s.attributes['db.query.text'] ?? s.attributes['db.statement']).includes('md5'),
    );
    expect(pg?.traceId).toBe(server.traceId);
    const redisCommands = children
      .filter((s) => String(s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'redis')
      .map((s) => s.name.toLowerCase());
    expect(redisCommands).toEqual(expect.arrayContaining(['get', 'set']));
  });

  it('exports pino logs carrying the trace id and span id of the request', async () => {
    await fetch(`${base}/api/items/7`);
    const log = await eventually(
      () => flattenLogs(capture.requests.logs).find((l) => l.body === 'item served' && l.attributes.itemId === 7),
      'pino "item served" log for item 7',
    );
    expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
    const server = spans().find((s) => s.kind === 2 && s.traceId === log.traceId);
    expect(server?.attributes['http.route']).toBe('/api/items/:id');
    expect(spans().some((s) => s.spanId === log.spanId && s.traceId === log.traceId)).toBe(true);
    // The JSON line pino writes to stdout carries the same ids.
    expect(api.output.join('')).toContain(`"trace_id":"${log.traceId}"`);
  });

  it("exports one access-log line per request that the stack's logmetrics pattern reads (deploy/otelgate/otelgate.yaml)", async () => {
    await fetch(`${base}/api/items/8`);
    const line = await eventually(
      () => flattenLogs(capture.requests.logs).find((l) => String(l.body).includes('"GET /api/items/8 HTTP/1.1"')),
      'the access-log line for item 8',
    );
    const { processors } = parse(readFileSync('deploy/otelgate/otelgate.yaml', 'utf8')) as {
      processors: { logmetrics: { metrics: { pattern?: string }[] } };
    };
    const matcher = RE2JS.compile(processors.logmetrics.metrics[0].pattern ?? '').matcher(String(line.body));
    expect(matcher.find()).toBe(true);
    expect(matcher.group('status')).toBe('200');
    expect(Number(matcher.group('response_time_ms'))).toBeGreaterThan(0);
  });

  it('exports winston records through OtelgateWinstonTransport with the request trace id', async () => {
    await fetch(`${base}/api/items/11`);
    const log = await eventually(
      () =>
        flattenLogs(capture.requests.logs).find(
          (l) => l.body === 'item read' && l.attributes.itemId === 11 && l.attributes['log.source'] === 'winston',
        ),
      'winston "item read" log for item 11',
    );
    expect(log.severityText).toBe('INFO');
    expect(log.attributes.logger).toBe('audit');
    expect(log.resource['service.name']).toBe(service);
    expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
    const server = spans().find((s) => s.kind === 2 && s.traceId === log.traceId);
    expect(server?.attributes['http.route']).toBe('/api/items/:id');
    expect(spans().some((s) => s.spanId === log.spanId && s.traceId === log.traceId)).toBe(true);
  });

  it('records a thrown route error on the server span with its stack trace', async () => {
    const response = await fetch(`${base}/api/boom`);
    expect(response.status).toBe(500);
    const server = await eventually(
      () => spans().find((s) => s.kind === 2 && s.attributes['http.route'] === '/api/boom' && s.events.length > 0),
      'server span for /api/boom with an exception event',
    );
    expect(server.status.code).toBe(2);
    const exception = server.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes['exception.message']).toBe('boom: the example route failed on purpose');
    expect(String(exception.attributes['exception.stacktrace'])).toMatch(/examples\/api\/app\.ts:\d+/);
  });

  it('exports HTTP server duration, runtime and host metrics', async () => {
    await fetch(`${base}/healthz`);
    const names = await eventually(() => {
      const names = new Set(
        flattenMetrics(capture.requests.metrics)
          .filter((m) => m.resource['service.name'] === service)
          .map((m) => m.name),
      );
      const ready =
        names.has('http.server.request.duration') &&
        names.has('nodejs.eventloop.delay.p99') &&
        [...names].some((n) => n.startsWith('v8js.')) &&
        [...names].some((n) => n.startsWith('system.'));
      return ready ? names : undefined;
    }, 'http, runtime and host metrics');
    expect([...names].some((n) => n.startsWith('v8js.gc') || n.startsWith('v8js.memory'))).toBe(true);
  });
});
