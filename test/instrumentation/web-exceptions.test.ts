// @otelgate/web captures every browser error exactly once, with type, message and stack: N errors
// thrown out of a task (window.onerror), N unhandled rejections and N fetches failing on the
// network, in headless Chromium, counted at the gateway.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { eventually, repoRoot } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { flattenLogs, flattenSpans } from './support/otlp-records.ts';

const N = 3;

/** What fixtures/web-errors-page.ts puts on window. */
type PageWindow = {
  raise: { windowError(id: string): void; rejection(id: string): void; failedFetch(url: string): Promise<string> };
  otelgate: { flush(): Promise<void> };
};

describe('@otelgate/web captures every browser error exactly once', () => {
  const capture = new OtlpCapture();
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-web-errors-'));
  let site: Server;
  let browser: Browser;
  let pageUrl = '';

  beforeAll(async () => {
    await build({
      entryPoints: [join(repoRoot, 'test/instrumentation/fixtures/web-errors-page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'page.js'),
      logLevel: 'error',
    });
    const script = readFileSync(join(dir, 'page.js'), 'utf8');
    site = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><script type="module" src="/page.js"></script>');
      } else if (path === '/page.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    await capture.start({ corsOrigins: [siteOrigin] });
    pageUrl = `${siteOrigin}/?${new URLSearchParams({ endpoint: capture.url, service: `web-errors-${randomUUID().slice(0, 8)}` })}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await capture.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`captures ${N} window errors, ${N} unhandled rejections and ${N} failed fetches once each`, async () => {
    const service = new URL(pageUrl).searchParams.get('service');
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'raise' in window);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const raised: { kind: string; id: string }[] = [];
    for (let i = 0; i < N; i++) {
      for (const kind of ['window-error', 'rejection', 'failed-fetch']) {
        const id = `${i}-${randomUUID().slice(0, 6)}`;
        raised.push({ kind, id });
        if (kind === 'window-error')
          await page.evaluate((x) => (window as unknown as PageWindow).raise.windowError(x), id);
        if (kind === 'rejection') await page.evaluate((x) => (window as unknown as PageWindow).raise.rejection(x), id);
        if (kind === 'failed-fetch') {
          const outcome = await page.evaluate(
            (url) => (window as unknown as PageWindow).raise.failedFetch(url),
            `${closed}/items?id=${id}`,
          );
          expect(outcome).toContain('TypeError');
        }
      }
    }
    await page.waitForTimeout(200);
    await page.evaluate(() => (window as unknown as PageWindow).otelgate.flush());

    /** Records at the gateway carrying `id`: error log records, and spans whose URL or exception names it. */
    const capturesOf = (id: string) => {
      const logs = flattenLogs(capture.requests.logs).filter(
        (l) =>
          l.resource['service.name'] === service && String(l.attributes['exception.message'] ?? l.body).includes(id),
      );
      const spans = flattenSpans(capture.requests.traces).filter(
        (s) =>
          s.resource['service.name'] === service &&
          (String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').includes(id) ||
            s.events.some((e) => String(e.attributes['exception.message']).includes(id))),
      );
      return { logs, spans, total: logs.length + spans.length };
    };
    await eventually(() => (raised.every(({ id }) => capturesOf(id).total > 0) ? true : undefined), 'every error');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await page.close();

    const wrong = raised.filter(({ id }) => capturesOf(id).total !== 1);
    console.log(`browser errors: ${raised.length} raised, ${raised.length - wrong.length} captured exactly once`);
    expect(wrong.map(({ kind, id }) => `${kind} ${id}: ${capturesOf(id).total}`)).toEqual([]);
    for (const { kind, id } of raised) {
      const { logs, spans } = capturesOf(id);
      const attributes =
        kind === 'failed-fetch' ? spans[0].events.find((e) => e.name === 'exception')?.attributes : logs[0].attributes;
      expect(attributes, `${kind} ${id}`).toBeDefined();
      expect(attributes?.['exception.type'], `${kind} ${id}`).toBe(kind === 'failed-fetch' ? 'TypeError' : 'Error');
      expect(String(attributes?.['exception.message']), `${kind} ${id}`).not.toBe('');
      expect(String(attributes?.['exception.stacktrace']), `${kind} ${id}`).not.toBe('');
      if (kind === 'failed-fetch') expect(spans[0].status.code, `${kind} ${id}`).toBe(2);
    }
  }, 120_000);
});
