// @otelgate/node records what escapes the application (uncaught exceptions, unhandled
// rejections) with its stack and flushes it before the process exits 1; with console capture on,
// console.* inside a request becomes a log record in the request's trace.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, eventually, otelEnv } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { flattenLogs, flattenSpans } from './support/otlp-records.ts';

const APP = 'test/instrumentation/fixtures/crash-app.ts';

describe('@otelgate/node error and console capture', () => {
  const capture = new OtlpCapture();
  beforeAll(async () => {
    await capture.start();
  });
  afterAll(async () => {
    await capture.stop();
  });

  async function startApp(service: string, env: Record<string, string> = {}) {
    const app = new AppProcess(APP, { ...otelEnv(capture.url, service), ...env });
    const [, port] = await app.waitForOutput(/LISTENING port=(\d+)/);
    return { app, base: `http://127.0.0.1:${port}` };
  }
  const logsOf = (service: string) =>
    flattenLogs(capture.requests.logs).filter((log) => log.resource['service.name'] === service);

  it("exports console output inside a request as a log record in that request's trace", async () => {
    const service = `console-${randomUUID().slice(0, 8)}`;
    const { app, base } = await startApp(service, { OTELGATE_CAPTURE_CONSOLE: 'true' });
    try {
      expect(await (await fetch(`${base}/log`)).text()).toBe('logged');
      const log = await eventually(
        () => logsOf(service).find((l) => l.body === 'console line inside a request'),
        'the console log record',
      );
      expect(log.severityText).toBe('ERROR');
      expect(log.attributes['log.source']).toBe('console');
      const server = await eventually(
        () => flattenSpans(capture.requests.traces).find((s) => s.resource['service.name'] === service && s.kind === 2),
        'the server span',
      );
      expect(log.traceId).toBe(server.traceId);
      expect(log.spanId).toBe(server.spanId);
    } finally {
      await app.stop();
    }
  });

  for (const [route, origin, message] of [
    ['/crash', 'uncaughtException', 'crash: uncaught on purpose'],
    ['/reject', 'unhandledRejection', 'rejected on purpose'],
  ] as const) {
    it(`records an ${origin} with its stack trace, flushes it, and exits 1`, async () => {
      const service = `${origin}-${randomUUID().slice(0, 8)}`;
      const { app, base } = await startApp(service);
      expect((await fetch(`${base}${route}`)).status).toBe(200);
      expect(await app.exited).toBe(1);
      // Flushed before the exit: the record is at the gateway without the process running any more.
      const log = await eventually(
        () => logsOf(service).find((l) => l.attributes['otelgate.error.origin'] === origin),
        `the ${origin} log record`,
      );
      expect(log.severityText).toBe('FATAL');
      expect(log.attributes['exception.message']).toBe(message);
      expect(log.attributes['exception.escaped']).toBe(true);
      expect(String(log.attributes['exception.stacktrace'])).toContain('crash-app.ts');
      expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(log.traceId).not.toBe('0'.repeat(32));
    });
  }
});
