// Every bad request gets the right status and a message naming the problem, and the gateway
// serves the next good request as if nothing happened (RELIABILITY.md #13-#19).
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, exportedSpans } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { grpcTraceExport } from '../support/grpc-export.ts';
import { makeSpans, spanIds, traceRequestProto } from '../support/otlp-payloads.ts';

const BODY_LIMIT = 1024 * 1024;
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: { receivers: { otlp: { http: { maxRequestBodyBytes: BODY_LIMIT }, grpc: { maxRecvMsgSizeMiB: 0.25 } } } },
  });
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

async function post(path: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const json = { 'content-type': 'application/json' };

/** After each bad request: a good one is accepted and its spans arrive. */
async function expectStillServing(): Promise<void> {
  const spans = makeSpans(3);
  const response = await post('/v1/traces', traceRequestProto(spans));
  expect(response.status).toBe(200);
  const ids = new Set(spanIds(spans));
  await eventually(
    () => exportedSpans(`${gateway.dir}/out.ndjson`).filter((span) => ids.has(span.spanId)).length === 3,
  );
  const health = await fetch(`${gateway.adminUrl}/healthz`);
  expect(health.status).toBe(200);
}

function nestedAnyValueJson(depth: number): string {
  let value = '{"stringValue":"leaf"}';
  for (let level = 0; level < depth; level++) value = `{"kvlistValue":{"values":[{"key":"k","value":${value}}]}}`;
  return `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value}}]}]}]}`;
}

function nestedAnyValueProto(depth: number): Buffer {
  // AnyValue.array_value (5) -> ArrayValue.values (1) -> AnyValue ... built from the inside out.
  let value = Buffer.from([0x0a, 0x01, 0x78]); // string_value "x"
  for (let level = 0; level < depth; level++) {
    const array = Buffer.concat([Buffer.from([0x0a]), varint(value.length), value]);
    value = Buffer.concat([Buffer.from([0x2a]), varint(array.length), array]);
  }
  const record = Buffer.concat([Buffer.from([0x2a]), varint(value.length), value]); // LogRecord.body (5)
  const scopeLogs = Buffer.concat([Buffer.from([0x12]), varint(record.length), record]); // ScopeLogs.log_records (2)
  const resourceLogs = Buffer.concat([Buffer.from([0x12]), varint(scopeLogs.length), scopeLogs]); // ResourceLogs.scope_logs (2)
  return Buffer.concat([Buffer.from([0x0a]), varint(resourceLogs.length), resourceLogs]); // request.resource_logs (1)
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

describe('OTLP/HTTP bad input', () => {
  it('refuses malformed protobuf with 400 naming the problem', async () => {
    const response = await post('/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    await expectStillServing();
  });

  it('refuses a truncated protobuf request with 400', async () => {
    const valid = traceRequestProto(makeSpans(5));
    const response = await post('/v1/traces', valid.subarray(0, valid.length - 7));
    expect(response.status).toBe(400);
    await expectStillServing();
  });

  it('refuses invalid JSON with 400', async () => {
    const response = await post('/v1/traces', '{"resourceSpans": [', json);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).message).toMatch(/json/i);
    await expectStillServing();
  });

  it('refuses JSON that is not OTLP with 400', async () => {
    const response = await post('/v1/traces', '[1,2,3]', json);
    expect(response.status).toBe(400);
    await expectStillServing();
  });

  it('ignores __proto__ keys and leaves Object.prototype untouched', async () => {
    const body = '{"__proto__":{"polluted":"yes"},"resourceSpans":[{"__proto__":{"polluted":"yes"},"scopeSpans":[]}]}';
    const response = await post('/v1/traces', body, json);
    expect([200, 400]).toContain(response.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectStillServing();
  });

  it('refuses an AnyValue nested 10,000 deep with 400, in JSON and in protobuf', async () => {
    const viaJson = await post('/v1/logs', nestedAnyValueJson(10_000), json);
    expect(viaJson.status).toBe(400);
    expect(JSON.parse(viaJson.text).message).toMatch(/deep|depth|nest/i);
    const viaProto = await post('/v1/logs', nestedAnyValueProto(10_000));
    expect(viaProto.status).toBe(400);
    await expectStillServing();
  });

  it('rejects invalid UTF-8 in a string field with 400 (policy: reject, never replace)', async () => {
    const valid = traceRequestProto(makeSpans(1, 'utf8-check'));
    const at = valid.indexOf(Buffer.from('utf8-check'));
    const broken = Buffer.from(valid);
    broken[at] = 0xc3;
    broken[at + 1] = 0x28; // an invalid two-byte sequence
    const response = await post('/v1/traces', broken);
    expect(response.status).toBe(400);
    await expectStillServing();
  });

  it('accepts an empty protobuf body as an empty request', async () => {
    const response = await post('/v1/traces', Buffer.alloc(0));
    expect(response.status).toBe(200);
    await expectStillServing();
  });

  it('refuses an unsupported content type with 415', async () => {
    const response = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    await expectStillServing();
  });

  it('answers an unknown path with 404 and a wrong method with 405', async () => {
    expect((await post('/v1/profiles', Buffer.alloc(0))).status).toBe(404);
    const get = await fetch(`${gateway.httpUrl}/v1/traces`);
    expect(get.status).toBe(405);
    await expectStillServing();
  });

  it('refuses a body over the limit with 413 before buffering it', async () => {
    const response = await post('/v1/traces', Buffer.alloc(BODY_LIMIT + 1, 0x0a));
    expect(response.status).toBe(413);
    await expectStillServing();
  });

  it('refuses a gzip bomb with 413: a few KB that inflate past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(BODY_LIMIT);
    const response = await post('/v1/traces', bomb, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(response.text).toMatch(/inflates past the limit/);
    await expectStillServing();
  });

  it('refuses a corrupt gzip body with 400', async () => {
    const response = await post('/v1/traces', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(400);
    await expectStillServing();
  });
});

describe('OTLP/gRPC bad input', () => {
  const grpcExport = (body: Buffer) => grpcTraceExport(gateway.grpcAddress, body);

  it('accepts a valid request', async () => {
    expect(await grpcExport(traceRequestProto(makeSpans(2)))).toBeNull();
  });

  it('refuses malformed protobuf with INVALID_ARGUMENT', async () => {
    const error = await grpcExport(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    await expectStillServing();
  });

  it('refuses a message over the max size with RESOURCE_EXHAUSTED', async () => {
    const error = await grpcExport(Buffer.alloc(300 * 1024, 0x0a));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await expectStillServing();
  });
});
