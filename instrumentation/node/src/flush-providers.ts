import { logs, metrics, trace } from '@opentelemetry/api';

type Flushable = { forceFlush?: () => Promise<void>; getDelegate?: () => Flushable };

function flushOne(provider: unknown): Promise<void> {
  const p = provider as Flushable;
  const target = typeof p.forceFlush === 'function' ? p : p.getDelegate?.();
  return target?.forceFlush ? target.forceFlush() : Promise.resolve();
}

/** Exports whatever the global tracer, meter and logger providers hold, without stopping them. */
export async function flushGlobalProviders(): Promise<void> {
  await Promise.allSettled([
    flushOne(trace.getTracerProvider()),
    flushOne(metrics.getMeterProvider()),
    flushOne(logs.getLoggerProvider()),
  ]);
}
