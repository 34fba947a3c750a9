// Issue 17 end to end, items 4 and 5: spans into a running gateway (receiver -> embedded log ->
// errors -> spanmetrics -> prometheus exporter -> real Prometheus; traces also to the file
// exporter). One thrown error is one error; spanmetrics series join the app's own metrics.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventuallyAsync, exportedSpans } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:19090';
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      exporters: { prometheus: { endpoint: `${PROMETHEUS_URL}/api/v1/write` } },
      processors: { errors: {}, spanmetrics: { intervalMs: 500 } },
      pipelines: {
        traces: { processors: ['errors', 'spanmetrics'], exporters: ['file'] },
        metrics: { exporters: ['prometheus'] },
      },
    },
  });
});

afterAll(async () => {
  expect(await gateway.kill('SIGTERM')).toBe(0);
});

type Sample = { metric: Record<string, string>; value: [number, string] };

async function query(q: string): Promise<Sample[]> {
  const r = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}`);
  return ((await r.json()) as { data: { result: Sample[] } }).data.result;
}

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

const s = (key: string, value: string) => ({ key, value: { stringValue: value } });
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

async function errorsTagged(): Promise<number> {
  const text = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('otelgate_processor_errors_tagged') && line.includes('signal="traces"')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

describe('derived metrics through the gateway', () => {
  it('counts one thrown error once: tags the span that recorded it and the local root, not the wrappers', async () => {
    const service = `boom-${randomUUID().slice(0, 8)}`;
    const traceId = hex(16);
    const rootId = hex(8);
    const t0 = BigInt(Date.now()) * 1_000_000n;
    const ms = (n: number) => String(t0 + BigInt(n) * 1_000_000n);
    const exception = (at: number) => ({
      name: 'exception',
      timeUnixNano: ms(at),
      attributes: [s('exception.type', 'TypeError'), s('exception.message', 'boom')],
    });
    // What the Node SDK's http + express instrumentations send for one error thrown in a handler.
    const child = (name: string, recordedAt: number) => ({
      traceId,
      spanId: hex(8),
      parentSpanId: rootId,
      name,
      kind: 1,
      startTimeUnixNano: ms(1),
      endTimeUnixNano: ms(recordedAt),
      events: [exception(recordedAt)],
      status: { code: 2, message: 'boom' },
    });
    const spans = [
      {
        traceId,
        spanId: rootId,
        name: 'GET /boom',
        kind: 2,
        startTimeUnixNano: ms(0),
        endTimeUnixNano: ms(10),
        attributes: [{ key: 'http.response.status_code', value: { intValue: 500 } }],
        status: { code: 2 },
      },
      child('request handler - /boom', 3),
      child('middleware - query', 4),
      child('middleware - expressInit', 5),
      child('request handler - /', 6),
    ];
    const before = await errorsTagged();
    await post('/v1/traces', {
      resourceSpans: [{ resource: { attributes: [s('service.name', service)] }, scopeSpans: [{ spans }] }],
    });

    const exported = await eventuallyAsync(async () => {
      const found = exportedSpans(`${gateway.dir}/out.ndjson`).filter((x) => x.traceId === traceId);
      return found.length === 5 ? found : undefined;
    });
    const tagged = exported.filter((x) => x.attributes?.some((a) => a.key === 'otelgate.error.fingerprint'));
    expect(tagged.map((x) => x.name).sort()).toEqual(['GET /boom', 'request handler - /boom']);
    const repeated = exported.filter((x) => x.attributes?.some((a) => a.key === 'otelgate.error.repeated'));
    expect(repeated).toHaveLength(3);
    expect(await errorsTagged()).toBe(before + 1);

    const errors = await eventuallyAsync(async () => {
      const all = await query(`traces_span_metrics_calls_total{service_name="${service}"}`);
      return all.length === 5 ? all.filter((x) => x.metric.status_code === 'STATUS_CODE_ERROR') : undefined;
    }, 60_000);
    expect(errors.map((x) => x.metric.span_name).sort()).toEqual(['GET /boom', 'request handler - /boom']);
  });

  it('gives spanmetrics series the job and instance of the app own metrics, so they join', async () => {
    const name = `eco-${randomUUID().slice(0, 8)}`;
    const instance = randomUUID();
    const resource = {
      attributes: [s('service.namespace', 'shop'), s('service.name', name), s('service.instance.id', instance)],
    };
    const now = String(BigInt(Date.now()) * 1_000_000n);
    await post('/v1/metrics', {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [{ metrics: [{ name: 'app.up', gauge: { dataPoints: [{ timeUnixNano: now, asInt: '1' }] } }] }],
        },
      ],
    });
    await post('/v1/traces', {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              spans: [
                {
                  traceId: hex(16),
                  spanId: hex(8),
                  name: 'GET /',
                  kind: 2,
                  startTimeUnixNano: now,
                  endTimeUnixNano: now,
                },
              ],
            },
          ],
        },
      ],
    });
    const joined = await eventuallyAsync(async () => {
      const r = await query(
        `traces_span_metrics_calls_total{service_name="${name}"} * on(job, instance) group_left app_up`,
      );
      return r.length > 0 ? r : undefined;
    }, 60_000);
    expect(joined[0].metric).toMatchObject({ job: `shop/${name}`, instance });
  });
});
