// `recordFastifyErrors(app)` from @otelgate/node/fastify: an error thrown in a Fastify route is
// recorded on the request's HTTP server span (exception event with stack, status ERROR).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, eventually, otelEnv } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { flattenSpans } from './support/otlp-records.ts';

describe('@otelgate/node with Fastify', () => {
  const capture = new OtlpCapture();
  const service = `fastify-${randomUUID().slice(0, 8)}`;
  let app: AppProcess;
  let base = '';

  beforeAll(async () => {
    await capture.start();
    app = new AppProcess('test/instrumentation/fixtures/fastify-app.ts', otelEnv(capture.url, service));
    const [, port] = await app.waitForOutput(/LISTENING port=(\d+)/);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await app?.stop();
    await capture.stop();
  });

  const serverSpans = () =>
    flattenSpans(capture.requests.traces).filter((s) => s.resource['service.name'] === service && s.kind === 2);

  it('records a route error on the HTTP server span with its stack trace, and leaves successful requests alone', async () => {
    expect((await fetch(`${base}/ok`)).status).toBe(200);
    const failed = await fetch(`${base}/fail`);
    expect(failed.status).toBe(500);
    expect((await failed.json()).message).toBe('fastify route failed on purpose');

    const [ok, fail] = await eventually(() => {
      const spans = serverSpans();
      const ok = spans.find((s) => s.attributes['http.target'] === '/ok' || s.attributes['url.path'] === '/ok');
      const fail = spans.find((s) => s.attributes['http.target'] === '/fail' || s.attributes['url.path'] === '/fail');
      return ok && fail ? [ok, fail] : undefined;
    }, 'both server spans');
    expect(fail.status?.code).toBe(2);
    const exception = fail.events.find((e) => e.name === 'exception');
    expect(exception?.attributes['exception.message']).toBe('fastify route failed on purpose');
    expect(String(exception?.attributes['exception.stacktrace'])).toContain('fastify-app.ts');
    expect(ok.status?.code ?? 0).not.toBe(2);
    expect(ok.events.some((e) => e.name === 'exception')).toBe(false);
  });
});
