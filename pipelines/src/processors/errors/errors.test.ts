import { createNoopMeter } from '@opentelemetry/api';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorsConfigSchema } from './config.ts';
import { errorsProcessorFactory } from './factory.ts';

const context = {
  id: 'errors',
  dataDir: tmpdir(),
  meter: createNoopMeter(),
  logger: pino({ level: 'silent' }),
  emit: () => {},
};
const ctx = { tenant: undefined, peerAddress: undefined };
const trace = (name: string) => readFileSync(new URL(`testdata/stack-traces/${name}`, import.meta.url), 'utf8');

async function create(options: Record<string, unknown> = {}) {
  return errorsProcessorFactory.create(errorsConfigSchema.parse(options), context);
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): KeyValue => ({ key, value: { intValue: BigInt(value) } });

function plain(list: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, Object.values(kv.value)[0]]));
}

function span(partial: Partial<Span>): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: 'GET /orders/:id',
    kind: 2,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...partial,
  };
}

function traces(...spans: Span[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          { scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans },
        ],
      },
    ],
  };
}

function logs(severityNumber: number, body: string, attributes: KeyValue[] = []): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: 1n,
                observedTimeUnixNano: 1n,
                severityNumber,
                severityText: '',
                body: { stringValue: body },
                attributes,
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              },
            ],
          },
        ],
      },
    ],
  };
}

const exceptionEvent = (type: string, message: string, stacktrace: string) => ({
  timeUnixNano: 1n,
  name: 'exception',
  attributes: [str('exception.type', type), str('exception.message', message), str('exception.stacktrace', stacktrace)],
  droppedAttributesCount: 0,
});

describe('errors processor', () => {
  it('tags an ERROR span from its exception event: type, category and fingerprint', async () => {
    const processor = await create();
    const data = traces(
      span({ status: { code: 2, message: '' }, events: [exceptionEvent('TypeError', 'x', trace('node.txt'))] }),
    );
    await processor.process('traces', data, ctx);
    const attrs = plain(data.resourceSpans[0].scopeSpans[0].spans[0].attributes);
    expect(attrs['error.type']).toBe('TypeError');
    expect(attrs['otelgate.error.category']).toBe('unknown');
    expect(attrs['otelgate.error.fingerprint']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives the same fingerprint to the same bug seen on two hosts, and another to another bug', async () => {
    const processor = await create();
    const a = trace('node.txt');
    const b = a.replaceAll('/srv/shop/', '/home/deploy/releases/42/').replace(':17:19', ':33:19');
    const data = traces(
      span({ events: [exceptionEvent('TypeError', 'x', a)] }),
      span({ events: [exceptionEvent('TypeError', 'x', b)] }),
      span({ events: [exceptionEvent('TypeError', 'x', a.replace('OrderService.load', 'OrderService.save'))] }),
    );
    await processor.process('traces', data, ctx);
    const [one, two, three] = data.resourceSpans[0].scopeSpans[0].spans.map(
      (s) => plain(s.attributes)['otelgate.error.fingerprint'],
    );
    expect(one).toBe(two);
    expect(three).not.toBe(one);
  });

  it('tags server spans with a 5xx status, using the status as error.type', async () => {
    const processor = await create();
    const data = traces(span({ kind: 2, attributes: [int('http.response.status_code', 503)] }));
    await processor.process('traces', data, ctx);
    expect(plain(data.resourceSpans[0].scopeSpans[0].spans[0].attributes)).toMatchObject({
      'error.type': '503',
      'otelgate.error.category': 'dependency',
    });
  });

  it('tags client spans with 4xx only when configured', async () => {
    const clientSpan = () => traces(span({ kind: 3, attributes: [int('http.response.status_code', 404)] }));
    const off = clientSpan();
    await (await create()).process('traces', off, ctx);
    expect(plain(off.resourceSpans[0].scopeSpans[0].spans[0].attributes)['error.type']).toBeUndefined();
    const on = clientSpan();
    await (await create({ spans: { clientHttpStatusMin: 400 } })).process('traces', on, ctx);
    expect(plain(on.resourceSpans[0].scopeSpans[0].spans[0].attributes)).toMatchObject({
      'error.type': '404',
      'otelgate.error.category': 'not_found',
    });
  });

  it('tags non-OK gRPC spans with the status name and leaves OK spans alone', async () => {
    const processor = await create();
    const data = traces(
      span({ kind: 3, attributes: [int('rpc.grpc.status_code', 14)] }),
      span({ kind: 2, attributes: [int('rpc.grpc.status_code', 0), int('http.response.status_code', 200)] }),
    );
    await processor.process('traces', data, ctx);
    const [failed, ok] = data.resourceSpans[0].scopeSpans[0].spans.map((s) => plain(s.attributes));
    expect(failed).toMatchObject({ 'error.type': 'UNAVAILABLE', 'otelgate.error.category': 'connection' });
    expect(Object.keys(ok)).toEqual(['rpc.grpc.status_code', 'http.response.status_code']);
  });

  it('keeps an error.type the span already has', async () => {
    const processor = await create();
    const data = traces(
      span({ status: { code: 2, message: 'upstream timed out' }, attributes: [str('error.type', 'MyError')] }),
    );
    await processor.process('traces', data, ctx);
    expect(plain(data.resourceSpans[0].scopeSpans[0].spans[0].attributes)).toMatchObject({
      'error.type': 'MyError',
      'otelgate.error.category': 'timeout',
    });
  });

  it('tags ERROR log records whose body holds a Python traceback', async () => {
    const processor = await create();
    const data = logs(17, trace('python.txt'));
    await processor.process('logs', data, ctx);
    expect(plain(data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes)).toMatchObject({
      'error.type': 'ZeroDivisionError',
      'otelgate.error.category': 'unknown',
    });
  });

  it('tags an INFO log record whose body is a Java stack trace, and one with exception attributes', async () => {
    const processor = await create();
    const java = logs(9, trace('java-caused-by.txt'));
    const attrs = logs(9, 'payment failed', [
      str('exception.type', 'requests.exceptions.ConnectionError'),
      str('exception.message', 'Max retries exceeded'),
    ]);
    await processor.process('logs', java, ctx);
    await processor.process('logs', attrs, ctx);
    expect(plain(java.resourceLogs[0].scopeLogs[0].logRecords[0].attributes)).toMatchObject({
      'error.type': 'org.springframework.dao.DataAccessResourceFailureException',
      'otelgate.error.category': 'database',
    });
    expect(plain(attrs.resourceLogs[0].scopeLogs[0].logRecords[0].attributes)).toMatchObject({
      'error.type': 'requests.exceptions.ConnectionError',
      'otelgate.error.category': 'connection',
    });
  });

  it('leaves ordinary log records alone', async () => {
    const processor = await create();
    const data = logs(9, 'user 42 logged in\nfrom the web app');
    await processor.process('logs', data, ctx);
    expect(data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes).toEqual([]);
  });

  it('fingerprints messages without a stack, ignoring the ids in them', async () => {
    const processor = await create();
    const a = logs(17, 'order 4711 not found for customer 8f14e45f-ceea-4670-9f4d-6c2f1b2a9e11');
    const b = logs(17, 'order 12 not found for customer 0a0b0c0d-ceea-4670-9f4d-6c2f1b2a9e11');
    await processor.process('logs', a, ctx);
    await processor.process('logs', b, ctx);
    const print = (d: LogsData) =>
      plain(d.resourceLogs[0].scopeLogs[0].logRecords[0].attributes)['otelgate.error.fingerprint'];
    expect(print(a)).toBe(print(b));
    expect(plain(a.resourceLogs[0].scopeLogs[0].logRecords[0].attributes)['otelgate.error.category']).toBe('not_found');
  });
});

describe('which error spans of a trace are tagged', () => {
  const ids = (...names: string[]) => names;
  const tagged = (data: TracesData) =>
    data.resourceSpans[0].scopeSpans[0].spans
      .filter((x) => x.attributes.some((a) => a.key === 'otelgate.error.fingerprint'))
      .map((x) => x.name);
  const repeated = (data: TracesData) =>
    data.resourceSpans[0].scopeSpans[0].spans
      .filter((x) => x.attributes.some((a) => a.key === 'otelgate.error.repeated'))
      .map((x) => x.name);

  it('without exceptions: the failing client call is the origin, its wrapper a repeat, the server root tagged', async () => {
    const processor = await create();
    const data = traces(
      span({ name: 'root', spanId: 'a000000000000001', kind: 2, status: { code: 2, message: '' } }),
      span({
        name: 'wrapper',
        spanId: 'a000000000000002',
        parentSpanId: 'a000000000000001',
        kind: 1,
        status: { code: 2, message: '' },
      }),
      span({
        name: 'client',
        spanId: 'a000000000000003',
        parentSpanId: 'a000000000000002',
        kind: 3,
        status: { code: 2, message: '' },
      }),
    );
    processor.process('traces', data, ctx);
    expect(tagged(data).sort()).toEqual(ids('client', 'root'));
    expect(repeated(data)).toEqual(ids('wrapper'));
  });

  it('tags an error alone in its trace, and errors of different traces independently', async () => {
    const processor = await create();
    const data = traces(
      span({
        name: 'a',
        traceId: '1'.repeat(32),
        parentSpanId: 'f000000000000001',
        kind: 1,
        status: { code: 2, message: '' },
      }),
      span({
        name: 'b',
        traceId: '2'.repeat(32),
        parentSpanId: 'f000000000000001',
        kind: 1,
        status: { code: 2, message: '' },
      }),
    );
    processor.process('traces', data, ctx);
    expect(tagged(data)).toEqual(ids('a', 'b'));
  });
});
