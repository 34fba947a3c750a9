// Issue 17, items 6 and 7: examples/web with @otelgate/web in headless Chromium, several browser
// sessions, against the real gateway (receiver -> embedded log -> prometheus exporter -> real
// Prometheus for metrics; file exporter for spans). Web Vitals of all sessions add up in one set
// of series with one target_info; a click and the fetch it starts are one trace.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileExport } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { eventually, repoRoot } from './support/app-process.ts';
import { flattenSpans } from './support/otlp-records.ts';

const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:19090';
const SESSIONS = 4;

type Sample = { metric: Record<string, string>; value: [number, string] };

async function query(q: string): Promise<Sample[]> {
  const r = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}`);
  return ((await r.json()) as { data: { result: Sample[] } }).data.result;
}

async function eventuallyAsync<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last !== undefined) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('@otelgate/web across browser sessions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-web-sessions-'));
  const service = `web-${randomUUID().slice(0, 8)}`;
  let gateway: GatewayProcess;
  let site: Server;
  let browser: Browser;
  let pageUrl = '';

  beforeAll(async () => {
    await build({
      entryPoints: [join(repoRoot, 'examples/web/main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'main.js'),
      logLevel: 'error',
    });
    const files: Record<string, [string, string]> = {
      '/': ['text/html', readFileSync(join(repoRoot, 'examples/web/index.html'), 'utf8')],
      '/main.js': ['text/javascript', readFileSync(join(dir, 'main.js'), 'utf8')],
      '/api/items/5': ['application/json', '{"id":5}'],
    };
    site = createServer((req, res) => {
      const file = files[new URL(req.url ?? '/', 'http://x').pathname];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    gateway = await startGatewayProcess({
      config: {
        receivers: { otlp: { http: { cors: { allowedOrigins: [siteOrigin] } } } },
        exporters: { prometheus: { endpoint: `${PROMETHEUS_URL}/api/v1/write` } },
        pipelines: {
          traces: { processors: [], exporters: ['file'] },
          metrics: { processors: [], exporters: ['prometheus', 'file'] },
          logs: { processors: [], exporters: ['file'] },
        },
      },
    });
    const query = new URLSearchParams({
      endpoint: gateway.httpUrl,
      api: siteOrigin,
      service,
      metricIntervalMs: '1000',
    });
    pageUrl = `${siteOrigin}/?${query}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    // Each session its own browser context (own sessionStorage: a new session.id), one after another.
    for (let i = 0; i < SESSIONS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(pageUrl);
      await page.click('#load');
      await page.waitForFunction(() => document.getElementById('out')?.textContent?.includes('"id":5'));
      // The fetch span ends once its resource timing entry is in (up to ~300 ms after the response).
      await page.waitForTimeout(1000);
      await page.evaluate(() => (window as unknown as { otelgate: { flush(): Promise<void> } }).otelgate.flush());
      await context.close();
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await gateway?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds up the Web Vitals of every session in one set of series, with one target_info and INP', async () => {
    const count = async (vital: string) =>
      (await query(`sum({__name__=~"web_vitals_${vital}_.*count", job="${service}"})`))[0]?.value[1];
    const fcp = await eventuallyAsync(
      async () => ((await count('fcp')) === String(SESSIONS) ? SESSIONS : undefined),
      `web_vitals_fcp count ${SESSIONS}`,
    );
    expect(fcp).toBe(SESSIONS);
    expect(Number(await count('ttfb'))).toBe(SESSIONS);
    expect(await count('inp')).toBeDefined();
    const targets = await query(`target_info{job="${service}"}`);
    expect(targets).toHaveLength(1);
    expect(targets[0].metric).not.toHaveProperty('session_id');
  }, 90_000);

  it('puts a click and the fetch it starts in one trace, the click span the parent', async () => {
    const spans = () =>
      flattenSpans(readFileExport(`${gateway.dir}/out.ndjson`).filter((r) => 'resourceSpans' in r)).filter(
        (s) => s.resource['service.name'] === service,
      );
    const fetches = await eventually(
      () => {
        const found = spans().filter((s) =>
          String(s.attributes['url.full'] ?? s.attributes['http.url']).includes('/api/items/5'),
        );
        return found.length === SESSIONS ? found : undefined;
      },
      `a fetch span per session: ${JSON.stringify(spans().map((s) => [s.name, s.scope, s.attributes['url.full'] ?? s.attributes['http.url'], s.parentSpanId]))}`,
    );
    const clicks = spans().filter((s) => s.name === 'click button' && s.attributes['target.id'] === 'load');
    expect(clicks).toHaveLength(SESSIONS);
    for (const f of fetches) {
      const click = clicks.find((c) => c.spanId === f.parentSpanId);
      expect(click, `fetch span ${f.spanId} has a click span as parent`).toBeDefined();
      expect(click?.traceId).toBe(f.traceId);
    }
  }, 90_000);
});
