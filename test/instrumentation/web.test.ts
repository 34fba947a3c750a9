import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, eventually, otelEnv, repoRoot } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { flattenLogs, flattenMetrics, flattenSpans } from './support/otlp-records.ts';

describe('@otelgate/web on examples/web in headless Chromium', () => {
  const capture = new OtlpCapture();
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-web-'));
  let api: AppProcess;
  let site: Server;
  let browser: Browser;
  let pageUrl = '';

  beforeAll(async () => {
    const { PG_URL, REDIS_URL } = process.env;
    if (!PG_URL || !REDIS_URL) throw new Error('PG_URL and REDIS_URL must be set (test/services/postgres, redis)');
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
    };
    site = createServer((req, res) => {
      const file = files[new URL(req.url ?? '/', 'http://x').pathname];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // The gateway allows exactly the page's origin: data can only arrive through real CORS.
    await capture.start({ corsOrigins: [siteOrigin] });

    api = new AppProcess('examples/api/server.ts', {
      ...otelEnv(capture.url, 'examples-api'),
      PG_URL,
      REDIS_URL,
      PORT: '0',
      QUEUE_NAME: `web-test-${randomUUID()}`,
      CORS_ORIGINS: siteOrigin,
    });
    const [, port] = await api.waitForOutput(/LISTENING port=(\d+)/);
    const query = new URLSearchParams({
      endpoint: capture.url,
      api: `http://127.0.0.1:${port}`,
      metricIntervalMs: '1000',
    });
    pageUrl = `${siteOrigin}/?${query}`;
    // launch() gives every run a fresh temporary profile (playwright refuses --user-data-dir here).
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    site?.close();
    await capture.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends click, fetch, document-load spans, error logs and web vitals; the backend continues the fetch trace', async () => {
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.click('#load');
    await page.waitForFunction(() => document.getElementById('out')?.textContent?.includes('"id":5'));
    await page.click('#fail');
    await page.evaluate(() => (window as any).otelgate.flush());

    const spans = () => flattenSpans(capture.requests.traces);
    const fetchSpan = await eventually(
      () =>
        spans().find(
          (s) =>
            s.resource['service.name'] === 'examples-web' &&
            String(s.attributes['url.full'] ?? s.attributes['http.url']).includes('/api/items/5'),
        ),
      'browser fetch span',
    );
    const server = await eventually(
      () =>
        spans().find(
          (s) => s.kind === 2 && s.traceId === fetchSpan.traceId && s.resource['service.name'] === 'examples-api',
        ),
      'backend server span in the fetch trace',
    );
    expect(server.attributes['http.route']).toBe('/api/items/:id');
    expect(fetchSpan.resource['session.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(spans().some((s) => s.name === 'click button' && s.attributes['target.id'] === 'load')).toBe(true);
    expect(spans().some((s) => s.scope.includes('document-load'))).toBe(true);

    const errorLog = await eventually(
      () =>
        flattenLogs(capture.requests.logs).find(
          (l) => l.attributes['exception.message'] === 'example page failed on purpose',
        ),
      'error log from the page',
    );
    expect(String(errorLog.attributes['exception.stacktrace'])).toContain('main.js');
    expect(errorLog.resource['session.id']).toBe(fetchSpan.resource['session.id']);
    // The page and the gateway are different origins: the exports above crossed CORS.
    expect(new URL(capture.url).origin).not.toBe(new URL(pageUrl).origin);

    const vitals = await eventually(() => {
      const names = new Set(
        flattenMetrics(capture.requests.metrics)
          .map((m) => m.name)
          .filter((n) => n.startsWith('web_vitals.')),
      );
      return names.has('web_vitals.ttfb') && names.has('web_vitals.fcp') ? names : undefined;
    }, 'web vitals metrics');
    expect(vitals.size).toBeGreaterThanOrEqual(2);
    await page.close();
  });
  it('traces XHR (continuing the trace in the backend) and single-page route changes', async () => {
    const page = await browser.newPage();
    const sent: { url: string; traceparent?: string }[] = [];
    page.on('request', (request) => sent.push({ url: request.url(), traceparent: request.headers().traceparent }));
    await page.goto(pageUrl);
    await page.click('#xhr');
    await page.waitForFunction(() => document.getElementById('out')?.textContent?.includes('"id":6'));
    // The page's own origin is not in propagateTo: an XHR there must go without trace context.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('GET', '/not-propagated');
          xhr.addEventListener('loadend', () => resolve());
          xhr.send();
        }),
    );
    expect(sent.find((r) => r.url.includes('/api/items/6'))?.traceparent).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/,
    );
    const local = sent.find((r) => r.url.endsWith('/not-propagated'));
    expect(local).toBeDefined();
    expect(local?.traceparent).toBeUndefined();
    await page.click('#route');
    await page.evaluate(() => history.back());
    await page.waitForFunction(() => !location.hash);
    await page.evaluate(() => (window as unknown as { otelgate: { flush(): Promise<void> } }).otelgate.flush());

    const spans = () => flattenSpans(capture.requests.traces);
    const xhrSpan = await eventually(
      () =>
        spans().find(
          (s) =>
            s.scope === '@otelgate/web/xhr' &&
            s.kind === 3 &&
            String(s.attributes['url.full']).includes('/api/items/6'),
        ),
      'browser XHR span',
    );
    expect(xhrSpan.attributes['http.response.status_code']).toBe(200);
    const server = await eventually(
      () =>
        spans().find(
          (s) => s.kind === 2 && s.traceId === xhrSpan.traceId && s.resource['service.name'] === 'examples-api',
        ),
      'backend server span in the XHR trace',
    );
    expect(server.parentSpanId).toBe(xhrSpan.spanId);

    const routes = await eventually(() => {
      const found = spans().filter((s) => s.name === 'route change' && s.resource['service.name'] === 'examples-web');
      return found.length >= 2 ? found : undefined;
    }, 'route change spans for pushState and popstate');
    const pushed = routes.find((s) => s.attributes['route.trigger'] === 'pushState');
    expect(String(pushed?.attributes['url.full'])).toMatch(/#\/items\/9$/);
    const popped = routes.find((s) => s.attributes['route.trigger'] === 'popstate');
    expect(String(popped?.attributes['url.previous'])).toMatch(/#\/items\/9$/);
    await page.close();
  });
});
