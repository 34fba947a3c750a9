// One tenant filling the in-flight limit cannot starve another (RELIABILITY.md #26): with API keys
// configured each tenant holds at most limits.tenantShare of limits.maxInFlightBytes; past it that
// tenant gets 429 / RESOURCE_EXHAUSTED with Retry-After, and the others keep getting 200 / OK.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sumCounter } from '../../loadtest/collector/accepted-spans.ts';
import { eventuallyAsync } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { grpcTraceExport } from '../support/grpc-export.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';
import { slowHttpUpload } from '../support/slow-clients.ts';

const GREEDY_KEY = 'greedy-tenant-key-0123456789';
const POLITE_KEY = 'polite-tenant-key-0123456789';
const KIB = 1024;
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      auth: {
        apiKeys: [
          { key: GREEDY_KEY, tenant: 'greedy' },
          { key: POLITE_KEY, tenant: 'polite' },
        ],
      },
      limits: { maxInFlightBytes: 1024 * KIB, tenantShare: 0.5, retryAfterSeconds: 2 },
      receivers: { otlp: { http: { readTimeoutSeconds: 30, minBodyRateBytesPerSecond: 0 } } },
    },
  });
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

function post(key: string, body: Buffer) {
  return fetch(`${gateway.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: new Uint8Array(body),
  }).then(async (response) => ({
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    text: await response.text(),
  }));
}

const metadataFor = (key: string) => {
  const metadata = new grpc.Metadata();
  metadata.set('x-api-key', key);
  return metadata;
};

it('refuses the tenant holding its share with 429 and Retry-After, and keeps serving the other', {
  timeout: 60_000,
}, async () => {
  const body = Buffer.from(JSON.stringify({ resourceSpans: [] }));
  const proto = traceRequestProto(makeSpans(200, 'fairness'));
  const bigProto = traceRequestProto(makeSpans(1500, 'fairness'));
  expect(bigProto.length).toBeGreaterThan(130 * KIB);
  // Three uploads of 200 KiB each, then a byte a second: more than greedy's 512 KiB share.
  const uploads = [0, 1, 2].map(() =>
    slowHttpUpload(gateway.httpUrl, {
      announcedBytes: 1024 * KIB,
      firstBytes: 200 * KIB,
      chunkBytes: 1,
      everyMs: 1000,
      headers: { 'x-api-key': GREEDY_KEY },
    }),
  );
  try {
    // The third no longer fits greedy's share: refused while it is being read.
    const third = await Promise.race(uploads.map((upload) => upload.answer));
    expect(third.status).toBe(429);
    expect(third.text).toMatch(/tenant "greedy" busy: \d+ bytes in flight, its share is 524288 \(limits.tenantShare\)/);

    // 400 KiB held: 150 KiB more is past greedy's share.
    const greedy = await post(GREEDY_KEY, Buffer.from(JSON.stringify({ resourceSpans: [] }).padEnd(150 * KIB)));
    expect(greedy.status).toBe(429);
    expect(greedy.retryAfter).toBe('2');
    const greedyGrpc = await grpcTraceExport(gateway.grpcAddress, bigProto, metadataFor(GREEDY_KEY));
    expect(greedyGrpc?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    // The other tenant is served all along, one at a time and several at once, on both transports.
    for (let round = 0; round < 5; round++) expect((await post(POLITE_KEY, body)).status).toBe(200);
    const together = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`${gateway.httpUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', 'x-api-key': POLITE_KEY },
          body: new Uint8Array(proto),
        }).then((response) => response.status),
      ),
    );
    expect(together).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await grpcTraceExport(gateway.grpcAddress, bigProto, metadataFor(POLITE_KEY))).toBeNull();

    const metrics = `${gateway.adminUrl}/metrics`;
    expect(
      await sumCounter(metrics, 'otelgate_receiver_limit_refusals', { reason: 'tenant-share' }),
    ).toBeGreaterThanOrEqual(3);
    expect(await sumCounter(metrics, 'otelgate_receiver_limit_refusals', { reason: 'in-flight-limit' })).toBe(0);
  } finally {
    for (const upload of uploads) upload.stop();
  }
  // Once its uploads are gone, greedy's share is free again.
  await eventuallyAsync(
    async () => (await sumCounter(`${gateway.adminUrl}/metrics`, 'otelgate_receiver_in_flight_bytes')) === 0,
    10_000,
  );
  expect((await post(GREEDY_KEY, body)).status).toBe(200);
});
