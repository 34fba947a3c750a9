// The ingest role's shipped old-space cap (docs/OPERATIONS.md, "Memory") is safe at the in-flight
// limit: OTLP/JSON bodies cost the most heap per byte (text, parsed objects, the protobuf they are
// transcoded to), and a burst of the largest ones filling limits.maxInFlightBytes must get 200 or
// 429, never a crashed process. A cap of 64 MiB fails this (V8 aborts with "heap out of memory").
import { afterAll, beforeAll, expect, it } from 'vitest';
import { otelgateAcceptedSpans } from '../../loadtest/collector/accepted-spans.ts';
import { type GatewayProcess, shippedNodeFlags, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, traceRequestJson } from '../support/otlp-payloads.ts';

const SPANS = 40_000; // ~16.5 MiB of OTLP/JSON, under the default 20 MiB body limit
const CONCURRENT = 6; // ~100 MiB offered at once against the default 64 MiB in-flight limit
const WAVES = 2;

let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: { service: { role: 'ingest' }, log: { level: 'warn' } },
    nodeFlags: shippedNodeFlags('ingest'),
    env: { LOG_LEVEL: 'warn' },
  });
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

it('survives a burst of the largest OTLP/JSON requests filling the in-flight limit under the heap cap', {
  timeout: 180_000,
}, async () => {
  expect(shippedNodeFlags('ingest')).toContain('--max-old-space-size=320');
  const body = new Uint8Array(traceRequestJson(makeSpans(SPANS, 'heap-cap')));
  expect(body.length).toBeGreaterThan(15 * 1024 * 1024);
  const statuses: number[] = [];
  for (let wave = 0; wave < WAVES; wave++) {
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        fetch(`${gateway.httpUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).then(async (response) => {
          await response.text();
          return response.status;
        }),
      ),
    );
    statuses.push(...responses);
  }
  expect(
    statuses.every((status) => status === 200 || status === 429),
    `statuses: ${statuses}`,
  ).toBe(true);
  const accepted = statuses.filter((status) => status === 200).length;
  expect(accepted).toBeGreaterThan(0);
  expect(gateway.child.exitCode).toBeNull();
  expect((await fetch(`${gateway.adminUrl}/healthz`)).ok).toBe(true);
  expect(await otelgateAcceptedSpans(gateway.adminUrl)).toBe(accepted * SPANS);
});
