import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';
import { dashboardExpressions, metricNames, resolveVariables } from './grafana-expressions.ts';
import { instantQuery } from './prometheus-service.ts';

// The gateway overview dashboard against live data: a real gateway takes traffic (good and
// bad requests), a real Prometheus scrapes its /metrics as deploy/prometheus/prometheus.yml's
// `otelgate` job does, and every panel whose metrics the gateway exposes must return series.

const dir = mkdtempSync(join(tmpdir(), 'otelgate-dashboards-live-'));
let gateway: GatewayProcess;
let prometheus: ChildProcess;
let prometheusUrl: string;
let exposed: Set<string>;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function seriesCount(expr: string): Promise<number> {
  const result = await instantQuery(prometheusUrl, expr);
  if (result.status !== 'success') throw new Error(`${result.error}: ${expr}`);
  return result.data?.result.length ?? 0;
}

async function send(body: Buffer): Promise<number> {
  const response = await fetch(`${gateway.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(body),
  });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  gateway = await startGatewayProcess();
  const adminTarget = new URL(gateway.adminUrl).host;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: otelgate
    static_configs: [{ targets: ['${adminTarget}'], labels: { role: both } }]
`,
  );
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  await until('the first scrape of the gateway', async () =>
    (await seriesCount('up{job="otelgate"} == 1')) > 0 ? true : undefined,
  );
  // Good and bad traffic, spread over a few scrapes so rates have two samples.
  for (let round = 0; round < 3; round++) {
    expect(await send(traceRequestProto(makeSpans(20, 'live-dashboard')))).toBe(200);
    expect(await send(Buffer.from([0x0a, 0xff, 0xff]))).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 1200));
  }
  const text = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
  exposed = new Set([...text.matchAll(/^([a-zA-Z_:][\w:]*)[{ ]/gm)].map((m) => m[1]));
  exposed.add('up');
  await until('the traffic in Prometheus', async () =>
    (await seriesCount('increase(otelgate_receiver_accepted_items_total[1m]) > 0')) > 0 ? true : undefined,
  );
}, 180_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    prometheus.kill('SIGTERM');
    await new Promise((resolve) => prometheus.once('exit', resolve));
  }
  await gateway?.kill('SIGTERM');
  if (gateway) rmSync(gateway.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('otelgate overview dashboard on live gateway metrics', () => {
  const overview = dashboardExpressions().filter((e) => e.dashboard === 'otelgate-overview');

  it('returns series for every panel whose metrics the gateway exposes', async () => {
    const exercised = overview.filter((e) => metricNames(e.expr).every((name) => exposed.has(name)));
    expect(exercised.length).toBeGreaterThanOrEqual(10);
    const emptyPanels = async () => {
      const empty: string[] = [];
      for (const { where, expr } of exercised) {
        if ((await seriesCount(resolveVariables(expr))) === 0) empty.push(`${where}: ${expr}`);
      }
      return empty;
    };
    // A rate needs two scrapes of a series: one that appeared late (the GC histogram after the
    // first GC) gets a few more scrapes before it counts as empty.
    let empty = await emptyPanels();
    for (const deadline = Date.now() + 20_000; empty.length > 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      empty = await emptyPanels();
    }
    expect(empty).toEqual([]);
  });

  it('reads only metrics the gateway declares, apart from those of parts not running here', () => {
    const missing = new Set(overview.flatMap((e) => metricNames(e.expr)).filter((name) => !exposed.has(name)));
    // Exporter and dead-letter counters appear once something was exported or dead-lettered,
    // processor and remote-write / Elasticsearch metrics once those components run (not in
    // this test's pipeline), GC pauses after the first GC; the rest must be on /metrics already.
    const allowed =
      /^otelgate_(exporter_|processor_|prometheus_|elasticsearch_|process_(dead_lettered|records_consumed|batch_duration|watchdog|gc_duration)|buffer_refused_appends)/;
    expect([...missing].filter((name) => !allowed.test(name))).toEqual([]);
  });
});
