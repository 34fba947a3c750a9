// Far more than the gateway takes at once: refusals are 429 with Retry-After (never a 500),
// the gateway stays healthy, and every request it acknowledged is delivered (RELIABILITY.md #2).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, exportedSpans } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, spanIds, traceRequestProto } from '../support/otlp-payloads.ts';

let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({ config: { limits: { maxInFlightBytes: 128 * 1024, retryAfterSeconds: 2 } } });
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

it('refuses with 429 and Retry-After past the in-flight limit, and loses nothing it accepted', {
  timeout: 120_000,
}, async () => {
  const requests = Array.from({ length: 60 }, () => makeSpans(200, 'overload'));
  const bodies = requests.map((spans) => traceRequestProto(spans));
  expect(bodies[0].length).toBeGreaterThan(16 * 1024);
  const responses = await Promise.all(
    bodies.map((body) =>
      fetch(`${gateway.httpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array(body),
      }).then(async (response) => ({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        text: await response.text(),
      })),
    ),
  );
  const statuses = responses.map((response) => response.status);
  expect(
    statuses.every((status) => status === 200 || status === 429),
    `statuses: ${statuses}`,
  ).toBe(true);
  const refused = responses.filter((response) => response.status === 429);
  expect(refused.length).toBeGreaterThan(0);
  for (const response of refused) expect(response.retryAfter).toBe('2');

  const accepted = new Set(requests.filter((_, index) => statuses[index] === 200).flatMap((spans) => spanIds(spans)));
  expect(accepted.size).toBeGreaterThan(0);
  await eventually(
    () => {
      const delivered = new Set(exportedSpans(`${gateway.dir}/out.ndjson`).map((span) => span.spanId));
      return [...accepted].every((id) => delivered.has(id));
    },
    60_000,
    250,
  );
  expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
  const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
  expect(metrics).toMatch(/otelgate_receiver_refused_requests_total\{[^}]*reason="resource-exhausted"[^}]*\}/);
});
