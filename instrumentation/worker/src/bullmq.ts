import { type Attributes, context, SpanKind, trace } from '@opentelemetry/api';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { CONTEXT_FIELD, injectContext } from './carrier.ts';
import { consume } from './consume.ts';
import { observeQueueDepth } from './job-metrics.ts';

/**
 * Adds a job inside a PRODUCER span (`send <queue>`), with that span's context stored in the job
 * data under `_otel`, so the worker's consumer span can link to it.
 */
export async function enqueueTraced<D extends object>(
  queue: Queue,
  name: string,
  data: D,
  opts?: JobsOptions,
): Promise<Job> {
  const tracer = trace.getTracer('@otelgate/worker');
  return tracer.startActiveSpan(
    `send ${queue.name}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.destination.name': queue.name,
        'messaging.operation.type': 'send',
      },
    },
    async (span) => {
      try {
        const job = await queue.add(name, { ...data, [CONTEXT_FIELD]: injectContext(context.active()) }, opts);
        if (job.id) span.setAttribute('messaging.message.id', job.id);
        return job;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Wraps a BullMQ processor: each job runs in a CONSUMER span linked to its producer, and feeds the
 * jobs / job.duration / job.queue_wait metrics. `new Worker(queue, traceProcessor(queue, fn), ...)`.
 */
export function traceProcessor<D, R>(
  queueName: string,
  processor: (job: Job<D, R>, token?: string) => Promise<R>,
  options: { parent?: 'link' | 'child'; attributes?: (job: Job<D, R>) => Attributes } = {},
): (job: Job<D, R>, token?: string) => Promise<R> {
  return (job, token) =>
    consume(
      {
        system: 'bullmq',
        destination: queueName,
        carrier: (job.data as Record<string, unknown> | undefined)?.[CONTEXT_FIELD] as Record<string, unknown>,
        enqueuedAtMs: job.timestamp,
        parent: options.parent,
        attributes: {
          'messaging.message.id': job.id ?? '',
          'bullmq.job.name': job.name,
          'bullmq.job.attempts': job.attemptsMade,
          ...options.attributes?.(job),
        },
      },
      () => processor(job, token),
    );
}

/** Reports the queue's job counts as the `queue.depth` gauge. */
export function observeBullmqQueue(queue: Queue): { stop(): void } {
  return observeQueueDepth(queue.name, () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'));
}
