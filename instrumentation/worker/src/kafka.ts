import type { Attributes } from '@opentelemetry/api';
import { injectContext } from './carrier.ts';
import { consume } from './consume.ts';

/** The kafkajs `eachMessage` payload, structurally (no dependency on kafkajs). */
export type KafkaMessagePayload = {
  topic: string;
  partition: number;
  message: { headers?: Record<string, unknown>; timestamp?: string; offset?: string; key?: unknown };
};

/** Headers to merge into a produced message so its consumer can link to the current span. */
export function kafkaTraceHeaders(): Record<string, string> {
  return injectContext();
}

/** Wraps a kafkajs `eachMessage` handler with a CONSUMER span per message and the job metrics. */
export function traceEachMessage<P extends KafkaMessagePayload>(
  handler: (payload: P) => Promise<void>,
  options: { parent?: 'link' | 'child'; attributes?: (payload: P) => Attributes } = {},
): (payload: P) => Promise<void> {
  return (payload) =>
    consume(
      {
        system: 'kafka',
        destination: payload.topic,
        carrier: payload.message.headers,
        enqueuedAtMs: payload.message.timestamp ? Number(payload.message.timestamp) : undefined,
        parent: options.parent,
        attributes: {
          'messaging.destination.partition.id': String(payload.partition),
          'messaging.kafka.offset': Number(payload.message.offset ?? -1),
          ...options.attributes?.(payload),
        },
      },
      () => handler(payload),
    );
}
