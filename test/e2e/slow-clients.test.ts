// Slow and idle clients against a real gateway process (RELIABILITY.md #25): bytes count against
// the in-flight limit only as they arrive, a client that stops or trickles is cut off and frees
// what it held, and every other client keeps getting 200 / OK meanwhile.
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_CALL_OVERHEAD_BYTES } from '../../gateway/src/ingest/admission.ts';
import { sumCounter } from '../../loadtest/collector/accepted-spans.ts';
import { eventuallyAsync } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { grpcTraceExport } from '../support/grpc-export.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';
import { slowHttpUpload, unfinishedGrpcCall } from '../support/slow-clients.ts';

const MIB = 1024 * 1024;
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      limits: { maxInFlightBytes: 8 * MIB },
      receivers: {
        otlp: {
          http: { readTimeoutSeconds: 8, minBodyRateBytesPerSecond: 1000 },
          grpc: { streamIdleTimeoutSeconds: 5, maxConcurrentStreams: 200 },
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

const metrics = () => `${gateway.adminUrl}/metrics`;
const inFlightBytes = () => sumCounter(metrics(), 'otelgate_receiver_in_flight_bytes');
const limitRefusals = (transport: string, reason: string) =>
  sumCounter(metrics(), 'otelgate_receiver_limit_refusals', { transport, reason });

function postTraces(body: Buffer): Promise<number> {
  return fetch(`${gateway.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(body),
  }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
}

describe('slow HTTP uploads', () => {
  it('do not hold back other clients, and get 408 naming the limit they broke', { timeout: 60_000 }, async () => {
    // Each announces 16 MiB, twice the in-flight limit: reserved up front, one would block everyone.
    const trickles = [0, 1].map(() =>
      slowHttpUpload(gateway.httpUrl, { announcedBytes: 16 * MIB, chunkBytes: 1, everyMs: 500 }),
    );
    const steady = [0, 1].map(() =>
      slowHttpUpload(gateway.httpUrl, { announcedBytes: 16 * MIB, chunkBytes: 1500, everyMs: 500 }),
    );
    const body = traceRequestProto(makeSpans(100, 'polite-client'));
    const statuses: number[] = [];
    const started = Date.now();
    // Well-behaved clients all along, until every slow upload has been cut off.
    const slowAnswers = Promise.all([...trickles, ...steady].map((upload) => upload.answer));
    let settled = false;
    slowAnswers.then(() => {
      settled = true;
    });
    while (!settled && Date.now() - started < 30_000) {
      statuses.push(...(await Promise.all([postTraces(body), postTraces(body)])));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = await slowAnswers;
    expect(statuses.length).toBeGreaterThan(10);
    expect(new Set(statuses)).toEqual(new Set([200]));

    for (const answer of answers) expect(answer.status).toBe(408);
    // Trickling at 2 bytes/s: under the minimum rate once its 5 s of grace are over.
    for (const answer of answers.slice(0, 2)) {
      expect(answer.text).toMatch(/under the minimum of 1000 .*receivers\.otlp\.http\.minBodyRateBytesPerSecond/);
    }
    // Fast enough for the rate, too slow for 16 MiB: cut off at the read timeout.
    for (const answer of answers.slice(2)) {
      expect(answer.text).toMatch(/did not arrive within 8 s .*receivers\.otlp\.http\.readTimeoutSeconds/);
    }
    expect(await limitRefusals('http', 'min-rate')).toBeGreaterThanOrEqual(2);
    expect(await limitRefusals('http', 'read-timeout')).toBeGreaterThanOrEqual(2);
    expect(await eventuallyAsync(async () => (await inFlightBytes()) === 0, 10_000)).toBe(true);
  });
});

describe('unfinished gRPC messages', () => {
  it('hold what they sent against the limit, are cut off when idle, and free it all', { timeout: 60_000 }, async () => {
    const sessions = Array.from({ length: 3 }, () => http2.connect(`http://${gateway.grpcAddress}`));
    const export100k = traceRequestProto(makeSpans(900, 'polite-grpc'));
    expect(export100k.length).toBeGreaterThan(80 * 1024);
    try {
      // 180 calls, each 24 KiB into an announced 4 MiB message and its 16 KiB of per-call overhead:
      // 7.0 of the 8 MiB limit.
      const held = Array.from({ length: 180 }, (_, index) =>
        unfinishedGrpcCall(sessions[index % 3], { announcedBytes: 4 * MIB - 64, sentBytes: 24 * 1024 }),
      );
      const heldBytes = 180 * (24 * 1024 + 5 + GRPC_CALL_OVERHEAD_BYTES);
      await eventuallyAsync(async () => (await inFlightBytes()) === heldBytes, 15_000);
      // Room is left, so a well-behaved export still gets through.
      expect(await grpcTraceExport(gateway.grpcAddress, export100k)).toBeNull();

      // 60 more fill the limit for real: now others are refused, with the limit named.
      const filling = Array.from({ length: 60 }, (_, index) =>
        unfinishedGrpcCall(sessions[index % 3], { announcedBytes: 4 * MIB - 64, sentBytes: 24 * 1024 }),
      );
      await eventuallyAsync(async () => (await inFlightBytes()) > 8 * MIB - 100 * 1024, 15_000);
      const refused = await grpcTraceExport(gateway.grpcAddress, export100k);
      expect(refused?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(refused?.details).toMatch(
        /^gateway busy: \d+ bytes in flight, limit 8388608 \(limits.maxInFlightBytes\)$/,
      );

      // Idle for 5 s: every one is cut off with DEADLINE_EXCEEDED and its bytes are released.
      const answers = await Promise.all([...held, ...filling]);
      const statuses = new Set(answers.map((answer) => answer.grpcStatus));
      expect(statuses.has(grpc.status.DEADLINE_EXCEEDED)).toBe(true);
      expect([...statuses].every((status) => status === 4 || status === 8)).toBe(true);
      const cutOff = answers.find((answer) => answer.grpcStatus === grpc.status.DEADLINE_EXCEEDED);
      expect(cutOff?.grpcMessage).toMatch(
        /^no bytes of the request message for 5 s \(\d+ bytes received; receivers\.otlp\.grpc\.streamIdleTimeoutSeconds\)$/,
      );
      expect(await eventuallyAsync(async () => (await inFlightBytes()) === 0, 10_000)).toBe(true);
      expect(await limitRefusals('grpc', 'idle-timeout')).toBeGreaterThanOrEqual(180);
      expect(await grpcTraceExport(gateway.grpcAddress, export100k)).toBeNull();
    } finally {
      for (const session of sessions) session.destroy();
    }
  });

  it('enforces grpc-timeout with DEADLINE_EXCEEDED', { timeout: 30_000 }, async () => {
    const session = http2.connect(`http://${gateway.grpcAddress}`);
    try {
      const started = Date.now();
      const answer = await unfinishedGrpcCall(session, {
        announcedBytes: 1000,
        sentBytes: 10,
        headers: { 'grpc-timeout': '400m' },
      });
      expect(answer).toEqual({
        grpcStatus: grpc.status.DEADLINE_EXCEEDED,
        grpcMessage: "the call's grpc-timeout of 400 ms passed",
      });
      // Long before the 5 s idle timeout.
      expect(Date.now() - started).toBeLessThan(2500);
      expect(await limitRefusals('grpc', 'grpc-timeout')).toBeGreaterThanOrEqual(1);
    } finally {
      session.destroy();
    }
  });

  it('advertises its cap on concurrent streams per connection', async () => {
    const session = http2.connect(`http://${gateway.grpcAddress}`);
    try {
      await new Promise((resolve) => session.once('remoteSettings', resolve));
      expect(session.remoteSettings.maxConcurrentStreams).toBe(200);
    } finally {
      session.destroy();
    }
  });
});
