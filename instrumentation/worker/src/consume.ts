import { type Attributes, context, type Link, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractContext } from './carrier.ts';
import { recordJob } from './job-metrics.ts';

export type ConsumeOptions = {
  /** messaging.system: `bullmq`, `kafka`, ... */
  system: string;
  /** Queue or topic name. */
  destination: string;
  /** Headers or job-data field holding the producer's propagated context. */
  carrier?: Record<string, unknown>;
  /** When the producer enqueued it (ms since epoch), for the queue-wait histogram. */
  enqueuedAtMs?: number;
  /**
   * `link` (default): the consumer span starts its own trace and links to the producer span, as the
   * messaging conventions advise for asynchronous work. `child`: continue the producer's trace.
   */
  parent?: 'link' | 'child';
  attributes?: Attributes;
};

/**
 * Runs one job or message handler inside a CONSUMER span (`process <destination>`) linked to the
 * producer's span, and records jobs/duration/queue-wait metrics. Errors are recorded and rethrown.
 */
export async function consume<T>(options: ConsumeOptions, handler: () => Promise<T> | T): Promise<T> {
  const tracer = trace.getTracer('@otelgate/worker');
  const producer = extractContext(options.carrier);
  const producerSpan = trace.getSpanContext(producer);
  const links: Link[] = producerSpan && options.parent !== 'child' ? [{ context: producerSpan }] : [];
  const parentContext = options.parent === 'child' ? producer : trace.deleteSpan(context.active());
  const started = Date.now();
  const span = tracer.startSpan(
    `process ${options.destination}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': options.system,
        'messaging.destination.name': options.destination,
        'messaging.operation.type': 'process',
        ...options.attributes,
      },
    },
    parentContext,
  );
  const metricAttributes = { queue: options.destination };
  const wait = options.enqueuedAtMs ? (started - options.enqueuedAtMs) / 1000 : undefined;
  try {
    const result = await context.with(trace.setSpan(parentContext, span), handler);
    recordJob({ ...metricAttributes, status: 'completed' }, (Date.now() - started) / 1000, wait);
    return result;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    recordJob({ ...metricAttributes, status: 'failed' }, (Date.now() - started) / 1000, wait);
    throw error;
  } finally {
    span.end();
  }
}
