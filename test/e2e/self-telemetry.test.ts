// The admin port: /metrics carries the gateway's own counters (after real traffic), /healthz
// and /readyz answer, and nothing of it is served on the OTLP port (RELIABILITY.md #24).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventuallyAsync } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';

let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess();
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

const metricsText = async () => (await fetch(`${gateway.adminUrl}/metrics`)).text();

describe('self-telemetry', () => {
  it('counts accepted and refused items and reports buffer, lag and exporter figures', async () => {
    const ok = await fetch(`${gateway.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(traceRequestProto(makeSpans(7))),
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${gateway.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad.status).toBe(400);

    const text = await eventuallyAsync(async () => {
      const body = await metricsText();
      return /otelgate_exporter_sent_items_total\{[^}]*\} 7/.test(body) ? body : undefined;
    }).catch(async () => metricsText());
    expect(text).toMatch(/otelgate_receiver_accepted_items_total\{signal="traces",transport="http"\} 7/);
    expect(text).toMatch(/otelgate_receiver_refused_items_total\{[^}]*reason="invalid-argument"[^}]*\}/);
    expect(text).toMatch(/otelgate_receiver_request_duration_seconds_bucket\{/);
    expect(text).toMatch(/otelgate_buffer_append_duration_seconds_count\{signal="traces"\} 1/);
    expect(text).toMatch(/otelgate_buffer_records\{signal="traces"\} 1/);
    expect(text).toMatch(/otelgate_consumer_lag\{signal="traces",partition="0"\} 0/);
    expect(text).toMatch(/otelgate_exporter_sent_items_total\{[^}]*\} 7/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect(text).toMatch(/process_cpu_seconds_total [\d.]+/);
    expect(text).toMatch(/nodejs_eventloop_delay_p99_seconds [\d.e-]+/);
  });

  it('answers /healthz and /readyz on the admin port', async () => {
    expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.adminUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { buffer_writable: true, process_loop: true } });
  });

  it('serves no admin endpoint on the OTLP port', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz', '/dlq']) {
      expect((await fetch(`${gateway.httpUrl}${path}`)).status).toBe(404);
    }
  });
});
