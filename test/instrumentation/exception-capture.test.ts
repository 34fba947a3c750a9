// Every exception an application raises reaches the gateway exactly once, with its type, message
// and stack: N of each kind, on every error path @otelgate/node covers. An error counts once per
// trace that recorded it (the enclosing spans of one request may repeat it; the gateway's errors
// processor folds those, trace-errors.ts) plus once per log record carrying it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, eventually, otelEnv } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { flattenLogs, flattenSpans } from './support/otlp-records.ts';

const APP = 'test/instrumentation/fixtures/exceptions-app.ts';
const N = 3;

interface Capture {
  where: string;
  type: unknown;
  message: unknown;
  stack: unknown;
}

describe('@otelgate/node captures every exception exactly once', () => {
  const capture = new OtlpCapture();
  beforeAll(async () => {
    await capture.start();
  }, 60_000);
  afterAll(async () => {
    await capture.stop();
  });

  /** Each record at the gateway that carries `message`: one per trace for span events, one per log record. */
  function capturesOf(service: string, message: string): Capture[] {
    const found: Capture[] = [];
    const traces = new Set<string>();
    for (const span of flattenSpans(capture.requests.traces)) {
      if (span.resource['service.name'] !== service) continue;
      for (const event of span.events) {
        if (event.name !== 'exception' || event.attributes['exception.message'] !== message) continue;
        if (traces.has(span.traceId)) continue;
        traces.add(span.traceId);
        const a = event.attributes;
        found.push({
          where: `span ${span.name}`,
          type: a['exception.type'],
          message,
          stack: a['exception.stacktrace'],
        });
      }
    }
    for (const log of flattenLogs(capture.requests.logs)) {
      if (log.resource['service.name'] !== service) continue;
      const a = log.attributes;
      if (a['exception.message'] === message || (typeof log.body === 'string' && log.body.includes(message))) {
        found.push({
          where: `log ${log.body}`.slice(0, 60),
          type: a['exception.type'],
          message: a['exception.message'],
          stack: a['exception.stacktrace'],
        });
      }
    }
    return found;
  }

  it(`captures ${N} of each kind once, with type, message and stack`, async () => {
    const service = `exceptions-${randomUUID().slice(0, 8)}`;
    const env = { ...otelEnv(capture.url, service), OTELGATE_CAPTURE_CONSOLE: 'true' };
    const app = new AppProcess(APP, env);
    const expected: string[] = [];
    try {
      const [, expressPort] = await app.waitForOutput(/EXPRESS port=(\d+)/);
      const [, fastifyPort] = await app.waitForOutput(/FASTIFY port=(\d+)/);
      const inProcess: [string, string, number][] = [
        ['express-sync', `http://127.0.0.1:${expressPort}/express/sync`, 500],
        ['express-async', `http://127.0.0.1:${expressPort}/express/async`, 500],
        ['express-next', `http://127.0.0.1:${expressPort}/express/next`, 500],
        ['fastify-sync', `http://127.0.0.1:${fastifyPort}/fastify/sync`, 500],
        ['fastify-async', `http://127.0.0.1:${fastifyPort}/fastify/async`, 500],
        ['console-error', `http://127.0.0.1:${expressPort}/console`, 200],
      ];
      for (let i = 0; i < N; i++) {
        for (const [kind, url, status] of inProcess) {
          const id = `${i}-${randomUUID().slice(0, 6)}`;
          expect((await fetch(`${url}?id=${id}`)).status, kind).toBe(status);
          expected.push(`${kind} ${id}`);
        }
      }
    } finally {
      await app.stop();
    }
    // The process-level kinds end the process: one process per error, in parallel.
    await Promise.all(
      ['uncaught', 'unhandled'].flatMap((kind) =>
        Array.from({ length: N }, async () => {
          const id = randomUUID().slice(0, 6);
          const crashing = new AppProcess(APP, env);
          const [, port] = await crashing.waitForOutput(/EXPRESS port=(\d+)/);
          await crashing.waitForOutput(/FASTIFY port=(\d+)/);
          expect((await fetch(`http://127.0.0.1:${port}/${kind}?id=${id}`)).status).toBe(200);
          expect(await crashing.exited, kind).toBe(1);
          expected.push(`${kind} ${id}`);
        }),
      ),
    );

    // Wait until every error has arrived at least once, then give duplicates time to arrive too.
    await eventually(
      () => (expected.every((m) => capturesOf(service, m).length > 0) ? true : undefined),
      'every error at the gateway',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const counts = Object.fromEntries(expected.map((m) => [m, capturesOf(service, m)]));
    const wrong = Object.entries(counts).filter(([, found]) => found.length !== 1);
    console.log(`exceptions: ${expected.length} raised, ${expected.length - wrong.length} captured exactly once`);
    expect(wrong.map(([m, found]) => `${m}: ${found.length} (${found.map((f) => f.where).join('; ')})`)).toEqual([]);
    for (const [message, [found]] of Object.entries(counts)) {
      expect(found.message, message).toBe(message);
      expect(found.type, message).toBe('Error');
      expect(String(found.stack), message).toContain('exceptions-app.ts');
    }
    expect(expected).toHaveLength(8 * N);
  }, 120_000);
  it('captures every failing BullMQ job and Kafka message handler once, with type, message and stack', async () => {
    const { REDIS_URL, KAFKA_BROKERS } = process.env;
    if (!REDIS_URL || !KAFKA_BROKERS) throw new Error('REDIS_URL and KAFKA_BROKERS must be set (test/services)');
    const service = `failing-jobs-${randomUUID().slice(0, 8)}`;
    const app = new AppProcess('test/instrumentation/fixtures/failing-jobs-app.ts', {
      ...otelEnv(capture.url, service),
      REDIS_URL,
      KAFKA_BROKERS,
      QUEUE: `failing-jobs-${randomUUID()}`,
      JOBS: String(N),
    });
    try {
      await app.waitForOutput(/DONE/, 90_000);
    } finally {
      await app.stop();
    }
    const raised = [...app.output.join('').matchAll(/^RAISED (.+)$/gm)].map((m) => m[1]);
    expect(raised.filter((m) => m.startsWith('bullmq-job'))).toHaveLength(N);
    expect(raised.filter((m) => m.startsWith('kafka-job'))).toHaveLength(N);
    await eventually(
      () => (raised.every((m) => capturesOf(service, m).length > 0) ? true : undefined),
      'every failed job at the gateway',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const wrong = raised.filter((m) => capturesOf(service, m).length !== 1);
    console.log(`failing jobs: ${raised.length} raised, ${raised.length - wrong.length} captured exactly once`);
    expect(wrong.map((m) => `${m}: ${capturesOf(service, m).length}`)).toEqual([]);
    for (const message of raised) {
      const [found] = capturesOf(service, message);
      expect(found.type, message).toBe('Error');
      expect(String(found.stack), message).toContain('failing-jobs-app.ts');
    }
  }, 120_000);
});
