import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, eventually, otelEnv } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { flattenMetrics, flattenSpans } from './support/otlp-records.ts';

describe('@otelgate/worker on examples/api + examples/worker (BullMQ)', () => {
  const capture = new OtlpCapture();
  const queue = `worker-test-${randomUUID()}`;
  let api: AppProcess;
  let worker: AppProcess;
  let base = '';

  beforeAll(async () => {
    const { PG_URL, REDIS_URL } = process.env;
    if (!PG_URL || !REDIS_URL) throw new Error('PG_URL and REDIS_URL must be set (test/services/postgres, redis)');
    await capture.start();
    const shared = { PG_URL, REDIS_URL, QUEUE_NAME: queue };
    api = new AppProcess('examples/api/server.ts', { ...otelEnv(capture.url, 'examples-api'), ...shared, PORT: '0' });
    worker = new AppProcess('examples/worker/worker.ts', { ...otelEnv(capture.url, 'examples-worker'), ...shared });
    const [, port] = await api.waitForOutput(/LISTENING port=(\d+)/);
    base = `http://127.0.0.1:${port}`;
    await worker.waitForOutput(/WORKER_READY/);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await capture.stop();
  });

  it('processes a job enqueued by the API in a consumer span linked to the producer span', async () => {
    const response = await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'ada@example.com' }),
    });
    expect(response.status).toBe(202);
    const { jobId } = await response.json();

    const spans = () => flattenSpans(capture.requests.traces);
    // The API and the worker export on their own schedules: wait until both sides have arrived.
    const { consumer, producer, server } = await eventually(() => {
      const all = spans();
      const consumer = all.find((s) => s.name === `process ${queue}` && s.attributes['messaging.message.id'] === jobId);
      const producer = all.find((s) => s.name === `send ${queue}` && s.attributes['messaging.message.id'] === jobId);
      const server = producer && all.find((s) => s.spanId === producer.parentSpanId);
      return consumer && producer && server ? { consumer, producer, server } : undefined;
    }, 'consumer, producer and HTTP server spans for the job');
    expect(producer.kind).toBe(4); // PRODUCER
    expect(consumer.kind).toBe(5); // CONSUMER
    expect(consumer.resource['service.name']).toBe('examples-worker');
    expect(consumer.links).toContainEqual({ traceId: producer.traceId, spanId: producer.spanId });
    // The producer span sits inside the API's HTTP server span for POST /api/jobs.
    expect(server.attributes['http.route']).toBe('/api/jobs');
  });

  it('records a failed job on its span and counts jobs by queue and status', async () => {
    await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'fail@example.com' }),
    });
    const failed = await eventually(
      () => flattenSpans(capture.requests.traces).find((s) => s.name === `process ${queue}` && s.status.code === 2),
      'failed consumer span',
    );
    expect(failed.events.find((e) => e.name === 'exception')?.attributes['exception.message']).toBe(
      'cannot deliver to fail@example.com',
    );

    const statuses = await eventually(() => {
      const points = flattenMetrics(capture.requests.metrics)
        .filter((m) => m.name === 'jobs')
        .flatMap((m) => m.dataPoints);
      const mine = points.filter((p) =>
        p.attributes?.some((a: any) => a.key === 'queue' && a.value.stringValue === queue),
      );
      const statuses = new Set(
        mine.flatMap((p) => p.attributes.filter((a: any) => a.key === 'status').map((a: any) => a.value.stringValue)),
      );
      return statuses.has('completed') && statuses.has('failed') ? statuses : undefined;
    }, 'jobs{queue,status} for completed and failed');
    expect(statuses.size).toBe(2);
    const names = new Set(flattenMetrics(capture.requests.metrics).map((m) => m.name));
    expect(names.has('job.duration')).toBe(true);
    expect(names.has('job.queue_wait')).toBe(true);
  });

  it('flushes and exits 0 on SIGTERM', async () => {
    expect(await worker.stop()).toBe(0);
  });
});
