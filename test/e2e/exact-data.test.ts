// Issue 17 end to end: what real clients sent arrives exactly. OTLP/HTTP into a running gateway
// (receiver -> embedded log -> file exporter); the file exporter's OTLP/JSON shows what the
// pipeline holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExportRequest } from '../../pipelines/src/otlp/index.ts';
import { eventually, readFileExport } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

let gateway: GatewayProcess;
let outPath: string;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      processors: { geoip: {} },
      pipelines: { traces: { processors: ['geoip'], exporters: ['file'] } },
    },
  });
  outPath = `${gateway.dir}/out.ndjson`;
});

afterAll(async () => {
  expect(await gateway.kill('SIGTERM')).toBe(0);
});

type Attr = { key: string; value: Record<string, unknown> };
const flat = (attributes: Attr[] = []) => Object.fromEntries(attributes.map((a) => [a.key, Object.values(a.value)[0]]));

async function post(
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  contentType = 'application/json',
): Promise<Response> {
  return fetch(`${gateway.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

function exported<T>(
  section: string,
  scopeKey: string,
  recordKey: string,
  match: (record: T) => boolean,
): T | undefined {
  for (const request of readFileExport(outPath)) {
    for (const resource of (request[section] as Record<string, unknown>[]) ?? []) {
      for (const scope of (resource[scopeKey] as Record<string, unknown>[]) ?? []) {
        for (const record of (scope[recordKey] as T[]) ?? []) if (match(record)) return record;
      }
    }
  }
  return undefined;
}

type JsonSpan = { name: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes?: Attr[] };
const span = (name: string) =>
  eventually(() => exported<JsonSpan>('resourceSpans', 'scopeSpans', 'spans', (s) => s.name === name));

describe('exact data through the gateway', () => {
  it('keeps 64-bit integers sent as JSON numbers exact', async () => {
    const body =
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",' +
      '"spanId":"eee19b7ec3c1b174","name":"exact-ints","kind":2,' +
      '"startTimeUnixNano":1544712660123456789,"endTimeUnixNano":1544712661000000001,' +
      '"attributes":[{"key":"big","value":{"intValue":9007199254740993}},' +
      '{"key":"max","value":{"intValue":9223372036854775807}}]}]}]}]}';
    expect((await post('/v1/traces', body)).status).toBe(200);
    const s = await span('exact-ints');
    expect(s.startTimeUnixNano).toBe('1544712660123456789');
    expect(s.endTimeUnixNano).toBe('1544712661000000001');
    expect(flat(s.attributes)).toMatchObject({ big: '9007199254740993', max: '9223372036854775807' });
  });

  it('answers 400 naming the key for a repeated JSON key, and stores nothing of that request', async () => {
    const body =
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"dup-first","traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b175"}]}]}],' +
      '"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"dup-second","traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b176"}]}]}]}';
    const response = await post('/v1/traces', body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe('duplicate key "resourceSpans"');
    // A later request arrives; the refused one never does.
    expect((await post('/v1/traces', body.replace(',"resourceSpans":[', ',"extra":['))).status).toBe(200);
    await span('dup-first');
    expect(exported<JsonSpan>('resourceSpans', 'scopeSpans', 'spans', (s) => s.name === 'dup-second')).toBeUndefined();
  });

  it('keeps a present-but-empty log body, from JSON and from protobuf, and leaves an absent one absent', async () => {
    const record = (marker: string, body?: string) =>
      `{"timeUnixNano":"1700000000000000000","attributes":[{"key":"marker","value":{"stringValue":"${marker}"}}]${body === undefined ? '' : `,"body":${body}`}}`;
    const json = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${record('json-empty', '{}')},${record('json-absent')},${record('json-null', 'null')}]}]}]}`;
    expect((await post('/v1/logs', json)).status).toBe(200);
    const proto = encodeExportRequest('logs', {
      resourceLogs: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: [
                {
                  timeUnixNano: 1700000000000000000n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 0,
                  severityText: '',
                  body: {},
                  attributes: [{ key: 'marker', value: { stringValue: 'proto-empty' } }],
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
    });
    // The record's field 5 (body) is on the wire with length 0.
    expect(Buffer.from(proto).includes(Buffer.from([0x2a, 0x00]))).toBe(true);
    expect((await post('/v1/logs', new Uint8Array(proto), 'application/x-protobuf')).status).toBe(200);
    type JsonLog = { body?: unknown; attributes?: Attr[] };
    const log = (marker: string) =>
      eventually(() =>
        exported<JsonLog>('resourceLogs', 'scopeLogs', 'logRecords', (l) => flat(l.attributes).marker === marker),
      );
    expect((await log('json-empty')).body).toEqual({});
    expect((await log('proto-empty')).body).toEqual({});
    expect(await log('json-absent')).not.toHaveProperty('body');
    expect(await log('json-null')).not.toHaveProperty('body');
  });

  it('geolocates an IPv6 client address on its first request', async () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60e',
                  spanId: 'eee19b7ec3c1b177',
                  name: 'ipv6-client',
                  attributes: [{ key: 'client.address', value: { stringValue: '2a02:908::1' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await post('/v1/traces', body)).status).toBe(200);
    expect(flat((await span('ipv6-client')).attributes)).toMatchObject({
      'geo.country.iso_code': 'DE',
      'geo.continent.code': 'EU',
    });
  });
});
