import { type Context, context, propagation } from '@opentelemetry/api';

/** The field under which job data carries the producer's trace context (W3C traceparent etc.). */
export const CONTEXT_FIELD = '_otel';

export type Carrier = Record<string, string>;

export function injectContext(ctx: Context = context.active()): Carrier {
  const carrier: Carrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractContext(carrier: Record<string, unknown> | undefined): Context {
  const headers: Carrier = {};
  for (const [key, value] of Object.entries(carrier ?? {})) {
    if (typeof value === 'string') headers[key] = value;
    else if (value instanceof Uint8Array) headers[key] = Buffer.from(value).toString('utf8');
  }
  return propagation.extract(context.active(), headers);
}
