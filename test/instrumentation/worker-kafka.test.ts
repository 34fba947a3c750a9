import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBrokers } from '../kafka/kafka-service.ts';
import { AppProcess, eventually, otelEnv } from './support/app-process.ts';
import { OtlpCapture } from './support/otlp-capture.ts';
import { flattenMetrics, flattenSpans } from './support/otlp-records.ts';

type Attribute = { key: string; value: { stringValue?: string } };

describe('@otelgate/worker on a kafkajs consumer (real Kafka broker)', () => {
  const capture = new OtlpCapture();
  const topic = `worker-kafka-${randomUUID()}`;
  let app: AppProcess;

  beforeAll(async () => {
    const brokers = await sharedBrokers();
    await capture.start();
    app = new AppProcess('test/instrumentation/fixtures/kafka-worker-app.ts', {
      ...otelEnv(capture.url, 'kafka-worker'),
      KAFKA_BROKERS: brokers.join(','),
      TOPIC: topic,
      MESSAGES: 'first,second',
    });
    await app.waitForOutput(/HANDLED second/);
  });

  afterAll(async () => {
    await app?.stop();
    await capture.stop();
  });

  it('handles each message in a CONSUMER span linked to the span that produced it', async () => {
    const spans = () => flattenSpans(capture.requests.traces);
    const { consumers, producers } = await eventually(() => {
      const all = spans();
      const consumers = all.filter((s) => s.name === `process ${topic}` && s.scope === '@otelgate/worker');
      const producers = all.filter((s) => s.name === `send ${topic}` && s.scope === 'kafka-worker-app');
      return consumers.length >= 2 && producers.length >= 2 ? { consumers, producers } : undefined;
    }, 'two consumer and two producer spans');
    expect(producers.map((s) => s.attributes['app.message']).sort()).toEqual(['first', 'second']);

    for (const consumer of consumers) {
      expect(consumer.kind).toBe(5); // CONSUMER
      expect(consumer.attributes['messaging.system']).toBe('kafka');
      expect(consumer.attributes['messaging.destination.name']).toBe(topic);
      expect(consumer.attributes['messaging.destination.partition.id']).toBe('0');
      // The link points into one of our producer traces: to our PRODUCER span, or to the kafkajs
      // auto-instrumentation's send span inside it, whichever injected the headers last.
      expect(consumer.links).toHaveLength(1);
      const linked = spans().find((s) => s.spanId === consumer.links[0].spanId);
      expect(linked?.kind).toBe(4); // PRODUCER
      expect(producers.map((p) => p.traceId)).toContain(consumer.links[0].traceId);
      // A trace of its own, as the messaging conventions advise for asynchronous work.
      expect(consumer.traceId).not.toBe(consumer.links[0].traceId);
    }
    const linkedTraces = new Set(consumers.map((c) => c.links[0].traceId));
    expect(linkedTraces.size).toBe(2);
  });

  it('counts handled messages in jobs{queue=<topic>,status=completed} with duration and queue wait', async () => {
    const completed = await eventually(() => {
      const points = flattenMetrics(capture.requests.metrics)
        .filter((m) => m.name === 'jobs')
        .flatMap((m) => m.dataPoints)
        .filter(
          (p) =>
            p.attributes?.some((a: Attribute) => a.key === 'queue' && a.value.stringValue === topic) &&
            p.attributes?.some((a: Attribute) => a.key === 'status' && a.value.stringValue === 'completed'),
        );
      const latest = points.at(-1);
      return latest && Number(latest.asInt ?? latest.asDouble) >= 2 ? latest : undefined;
    }, 'jobs{status=completed} reaching 2');
    expect(Number(completed.asInt ?? completed.asDouble)).toBe(2);
    const names = new Set(flattenMetrics(capture.requests.metrics).map((m) => m.name));
    expect(names.has('job.duration')).toBe(true);
    expect(names.has('job.queue_wait')).toBe(true);
  });

  it('flushes and exits 0 on SIGTERM', async () => {
    expect(await app.stop()).toBe(0);
  });
});
