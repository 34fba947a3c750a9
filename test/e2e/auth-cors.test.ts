// API keys name the tenant (401 without a key, 403 with a wrong one); browsers get CORS
// headers only from allowed origins, and never a wildcard with credentials (RELIABILITY.md #22, #23).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { grpcTraceExport } from '../support/grpc-export.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';

const KEY_A = 'key-for-tenant-a-0123456789';
const KEY_B = 'key-for-tenant-b-9876543210';
const ALLOWED = 'https://app.example.com';
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      auth: {
        apiKeys: [
          { key: KEY_A, tenant: 'tenant-a' },
          { key: KEY_B, tenant: 'tenant-b' },
        ],
      },
      receivers: { otlp: { http: { cors: { allowedOrigins: [ALLOWED], allowedHeaders: ['x-custom'] } } } },
    },
  });
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

function send(headers: Record<string, string>) {
  return fetch(`${gateway.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body: new Uint8Array(traceRequestProto(makeSpans(1))),
  });
}

describe('auth', () => {
  it('answers 401 when no key is sent', async () => {
    const response = await send({});
    expect(response.status).toBe(401);
  });

  it('answers 403 for a key it does not know', async () => {
    expect((await send({ authorization: 'Bearer not-a-real-key-at-all' })).status).toBe(403);
    expect((await send({ 'x-api-key': `${KEY_A}x` })).status).toBe(403);
  });

  it('accepts a known key as a bearer token or in the key header', async () => {
    expect((await send({ authorization: `Bearer ${KEY_A}` })).status).toBe(200);
    expect((await send({ 'x-api-key': KEY_B })).status).toBe(200);
  });

  it('checks keys on gRPC too', async () => {
    const grpc = await import('@grpc/grpc-js');
    const call = async (metadata: InstanceType<typeof grpc.Metadata>) =>
      (await grpcTraceExport(gateway.grpcAddress, traceRequestProto(makeSpans(1)), metadata))?.code ?? grpc.status.OK;
    expect(await call(new grpc.Metadata())).toBe(grpc.status.UNAUTHENTICATED);
    const wrong = new grpc.Metadata();
    wrong.set('authorization', 'Bearer wrong-key-wrong-key');
    expect(await call(wrong)).toBe(grpc.status.PERMISSION_DENIED);
    const right = new grpc.Metadata();
    right.set('authorization', `Bearer ${KEY_A}`);
    expect(await call(right)).toBe(grpc.status.OK);
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const response = await fetch(`${gateway.httpUrl}/v1/traces`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-custom',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-custom');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('puts the CORS headers on the POST response too', async () => {
    const response = await send({ origin: ALLOWED, authorization: `Bearer ${KEY_A}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('gives no CORS headers to an origin that is not allowed', async () => {
    const preflight = await fetch(`${gateway.httpUrl}/v1/traces`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await send({ origin: 'https://evil.example', authorization: `Bearer ${KEY_A}` });
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });
});
