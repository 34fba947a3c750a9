// GET /status and / against real gateway processes: a healthy one with traffic, and one whose
// exporter cannot reach its destination (degraded while retrying, failing past the threshold).
import { afterAll, describe, expect, it } from 'vitest';
import { testKafkaConfig } from '../kafka/kafka-test-config.ts';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const gateways: GatewayProcess[] = [];

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.kill('SIGTERM')));
});

async function start(config: Record<string, unknown>): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({ config });
  gateways.push(gateway);
  return gateway;
}

// biome-ignore lint/suspicious/noExplicitAny: the document is read field by field
async function status(gateway: GatewayProcess): Promise<any> {
  const response = await fetch(`${gateway.adminUrl}/status`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  return response.json();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const logs = (n: number) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'status-check' } }] },
        scopeLogs: [{ logRecords: Array.from({ length: n }, (_, i) => ({ body: { stringValue: `line ${i}` } })) }],
      },
    ],
  });

const gauge = JSON.stringify({
  resourceMetrics: [
    {
      resource: {},
      scopeMetrics: [
        {
          metrics: [
            { name: 'queue.depth', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: `${Date.now()}000000` }] } },
          ],
        },
      ],
    },
  ],
});

async function post(gateway: GatewayProcess, path: string, body: string): Promise<void> {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(response.status, await response.text()).toBe(200);
}

describe('GET /status on the admin port', () => {
  it('reports a healthy gateway: counts, buffer, components, process and log file; / shows the same as HTML', async () => {
    const gateway = await start({});
    const logPath = `${gateway.dir}/otelgate.log`;
    // The log file is read from the config: restart-free check that a configured one is reported.
    const withLog = await start({ log: { file: { path: logPath, maxSizeMiB: 1 } } });
    await post(withLog, '/v1/logs', logs(7));
    const doc = await until('the records exported', async () => {
      const d = await status(withLog);
      return d.exporters.find((e: { id: string }) => e.id === 'file')?.sentItems >= 7 ? d : undefined;
    });
    expect(doc).toMatchObject({ status: 'ok', reasons: [], role: 'both', pid: withLog.child.pid });
    expect(doc.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(doc.receivers.map((r: { id: string }) => r.id).sort()).toEqual(['grpc', 'http']);
    const http = doc.receivers.find((r: { id: string }) => r.id === 'http');
    expect(http).toMatchObject({
      state: 'ok',
      accepted: { logs: 7, traces: 0 },
      refused: { logs: 0 },
      inFlightBytes: 0,
    });
    expect(http.maxInFlightBytes).toBeGreaterThan(0);
    expect(doc.buffer).toMatchObject({ kind: 'embedded', writable: true, state: 'ok', deadLetters: { records: 0 } });
    expect(doc.buffer.sizeBytes).toBeGreaterThan(0);
    expect(doc.buffer.freeDiskBytes).toBeGreaterThan(0);
    expect(doc.buffer.lag.map((p: { signal: string }) => p.signal).sort()).toEqual(['logs', 'metrics', 'traces']);
    expect(doc.processors.map((p: { id: string }) => p.id)).toEqual(['geoip', 'redact', 'errors']);
    expect(doc.processors.every((p: { state: string; calls: number }) => p.state === 'ok' && p.calls > 0)).toBe(true);
    const file = doc.exporters.find((e: { id: string }) => e.id === 'file');
    expect(file).toMatchObject({ state: 'ok', failures: 0, queue: { calls: 0, items: 0 } });
    expect(Date.parse(file.lastSuccessAt)).toBeGreaterThan(Date.parse(doc.startedAt));
    expect(doc.process).toMatchObject({ state: 'ok', loopRunning: true });
    for (const key of [
      'cpuPercent',
      'cpuSeconds',
      'rssBytes',
      'heapUsedBytes',
      'heapLimitBytes',
      'eventLoopDelayP99Ms',
    ]) {
      expect(typeof doc.process[key], key).toBe('number');
    }
    expect(doc.log).toMatchObject({ path: logPath, state: 'ok', rotateAtBytes: 1024 * 1024 });
    expect(doc.log.sizeBytes).toBeGreaterThan(0);
    expect((await status(gateway)).log).toBeNull();

    const page = await fetch(`${withLog.adminUrl}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<title>otelgate both: ok</title>');
    expect(html).toContain('Exporters');
    const ready = await fetch(`${withLog.adminUrl}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { buffer_writable: true, process_loop: true } });
  }, 60_000);

  it('reports each role on Kafka: ingest its receivers and the Kafka buffer, the worker its components and lag per partition', async () => {
    const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    expect(brokers.length, 'KAFKA_BROKERS is set by test/global-setup.ts').toBeGreaterThan(0);
    const kafka = testKafkaConfig(brokers);
    const worker = await start({ buffer: { kafka }, service: { role: 'process' } });
    const ingest = await start({ buffer: { kafka }, service: { role: 'ingest' } });
    await post(ingest, '/v1/logs', logs(5));
    const processed = await until('the worker exporting', async () => {
      const d = await status(worker);
      return d.exporters.find((e: { id: string }) => e.id === 'file')?.sentItems >= 5 ? d : undefined;
    });
    expect(processed).toMatchObject({ role: 'process', status: 'ok', receivers: [] });
    expect(processed.buffer).toMatchObject({ kind: 'kafka', state: 'ok' });
    expect(processed.buffer.writable).toBeUndefined();
    expect(processed.buffer.lag.filter((p: { signal: string }) => p.signal === 'logs').length).toBe(3);
    expect(processed.processors.map((p: { id: string }) => p.id)).toEqual(['geoip', 'redact', 'errors']);
    const front = await status(ingest);
    expect(front).toMatchObject({ role: 'ingest', status: 'ok', processors: [], exporters: [] });
    expect(front.buffer).toMatchObject({ kind: 'kafka', writable: true, state: 'ok' });
    expect(front.receivers.find((r: { id: string }) => r.id === 'http').accepted.logs).toBe(5);
    expect(front.process.loopRunning).toBeUndefined();
  }, 90_000);

  it('calls an exporter that cannot deliver degraded, then failing past the threshold, with the reason; thresholds come from the config', async () => {
    const closedPort = await freePort();
    const gateway = await start({
      exporters: {
        prometheus: {
          endpoint: `http://127.0.0.1:${closedPort}/api/v1/write`,
          maxAttempts: 1,
          initialBackoffMs: 10,
          maxBackoffMs: 20,
        },
      },
      pipelines: { metrics: { exporters: ['prometheus'] } },
      admin: { status: { thresholds: { exporterFailingAfterSeconds: 3, eventLoopDelayMs: 0.001 } } },
    });
    await post(gateway, '/v1/metrics', gauge);
    const degraded = await until('the exporter retrying', async () => {
      const d = await status(gateway);
      const e = d.exporters.find((x: { id: string }) => x.id === 'prometheus');
      return e?.consecutiveFailures > 0 ? e : undefined;
    });
    expect(degraded.lastError.message).toContain(`127.0.0.1:${closedPort}`);
    expect(Date.parse(degraded.lastError.at)).toBeGreaterThan(0);
    expect(degraded.lastSuccessAt).toBeUndefined();
    const failing = await until('the exporter failing', async () => {
      const d = await status(gateway);
      return d.status === 'failing' ? d : undefined;
    });
    const exporter = failing.exporters.find((x: { id: string }) => x.id === 'prometheus');
    expect(exporter.state).toBe('failing');
    expect(exporter.reason).toMatch(/^no success for \d+ s; last error: /);
    expect(failing.reasons.some((r: string) => r.startsWith('exporter prometheus: no success'))).toBe(true);
    // The configured event-loop threshold (1 µs) makes the process degraded, with its reason.
    expect(failing.process.state).toBe('degraded');
    expect(failing.process.reason).toMatch(/event-loop delay p99 [\d.]+ ms \(threshold 0.001\)/);
    // /readyz stays the narrow answer: the buffer takes data and the loop runs.
    expect((await fetch(`${gateway.adminUrl}/readyz`)).status).toBe(200);
  }, 60_000);
});
