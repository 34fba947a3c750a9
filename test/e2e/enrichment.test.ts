// Issue 4 end to end: OTLP/HTTP JSON into a running gateway whose traces and logs pipelines run
// geoip -> redact -> errors; the file exporter's output shows each enrichment.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, readFileExport } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

let gateway: GatewayProcess;
let outPath: string;

const chain = ['geoip', 'redact', 'errors'];

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      processors: { geoip: {}, redact: {}, errors: {} },
      pipelines: {
        traces: { processors: chain, exporters: ['file'] },
        logs: { processors: chain, exporters: ['file'] },
      },
    },
  });
  outPath = `${gateway.dir}/out.ndjson`;
});

afterAll(async () => {
  expect(await gateway.kill('SIGTERM')).toBe(0);
});

type Attr = { key: string; value: Record<string, unknown> };
const s = (key: string, value: string): Attr => ({ key, value: { stringValue: value } });
const flat = (attributes: Attr[] = []) => Object.fromEntries(attributes.map((a) => [a.key, Object.values(a.value)[0]]));
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nodeTrace = readFileSync(
  new URL('../../pipelines/src/processors/errors/testdata/stack-traces/node.txt', import.meta.url),
  'utf8',
);
const pythonTrace = readFileSync(
  new URL('../../pipelines/src/processors/errors/testdata/stack-traces/python.txt', import.meta.url),
  'utf8',
);

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

function findRecords<T>(
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

describe('enrichment processors through the gateway', () => {
  it('adds geo, redacts PII and tags errors on spans', async () => {
    const traceId = hex(16);
    const now = BigInt(Date.now()) * 1_000_000n;
    await post('/v1/traces', {
      resourceSpans: [
        {
          resource: { attributes: [s('service.name', 'shop-e2e')] },
          scopeSpans: [
            {
              scope: { name: 'e2e' },
              spans: [
                {
                  traceId,
                  spanId: hex(8),
                  name: 'GET /orders/:id',
                  kind: 2,
                  startTimeUnixNano: String(now),
                  endTimeUnixNano: String(now + 1_000_000n),
                  attributes: [
                    s('client.address', '8.8.8.8'),
                    s('enduser.note', 'contact jane.doe@example.com'),
                    s('http.request.header.authorization', 'Bearer abc.def.ghi'),
                    { key: 'http.response.status_code', value: { intValue: '500' } },
                  ],
                  events: [
                    {
                      name: 'exception',
                      timeUnixNano: String(now),
                      attributes: [
                        s('exception.type', 'TypeError'),
                        s('exception.message', 'boom'),
                        s('exception.stacktrace', nodeTrace),
                      ],
                    },
                  ],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const span = await eventually(() =>
      findRecords<{ traceId: string; attributes: Attr[] }>(
        'resourceSpans',
        'scopeSpans',
        'spans',
        (x) => x.traceId === traceId,
      ),
    );
    const attrs = flat(span.attributes);
    expect(attrs).toMatchObject({
      'client.address': '8.8.8.8',
      'geo.country.iso_code': 'US',
      'geo.continent.code': 'NA',
      'enduser.note': 'contact [REDACTED:email]',
      'http.request.header.authorization': '[REDACTED:sensitive_key]',
      'error.type': 'TypeError',
      'otelgate.error.category': 'unknown',
    });
    expect(attrs['otelgate.error.fingerprint']).toMatch(/^[0-9a-f]{32}$/);
    expect(attrs['otelgate.redaction.kinds']).toBeDefined();
  });

  it('redacts log bodies and tags a traceback in an ERROR log', async () => {
    const marker = hex(8);
    const now = String(BigInt(Date.now()) * 1_000_000n);
    await post('/v1/logs', {
      resourceLogs: [
        {
          resource: { attributes: [s('service.name', 'api-e2e')] },
          scopeLogs: [
            {
              scope: { name: 'e2e' },
              logRecords: [
                {
                  timeUnixNano: now,
                  severityNumber: 9,
                  body: { stringValue: `${marker} card 4111 1111 1111 1111 declined` },
                },
                {
                  timeUnixNano: now,
                  severityNumber: 17,
                  body: { stringValue: pythonTrace },
                  attributes: [s('marker', marker)],
                },
              ],
            },
          ],
        },
      ],
    });
    type Log = { body?: { stringValue?: string }; attributes?: Attr[] };
    const card = await eventually(() =>
      findRecords<Log>(
        'resourceLogs',
        'scopeLogs',
        'logRecords',
        (x) => x.body?.stringValue?.startsWith(marker) ?? false,
      ),
    );
    expect(card.body?.stringValue).toBe(`${marker} card [REDACTED:payment_card] declined`);
    const traceback = await eventually(() =>
      findRecords<Log>('resourceLogs', 'scopeLogs', 'logRecords', (x) => flat(x.attributes).marker === marker),
    );
    expect(flat(traceback.attributes)).toMatchObject({
      'error.type': 'ZeroDivisionError',
      'otelgate.error.category': 'unknown',
    });
  });
});
