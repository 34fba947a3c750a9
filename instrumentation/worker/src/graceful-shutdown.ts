import { logs, metrics, trace } from '@opentelemetry/api';

type Flushable = { forceFlush?: () => Promise<void>; getDelegate?: () => Flushable };

async function flush(provider: unknown): Promise<void> {
  const p = provider as Flushable;
  const target = typeof p.forceFlush === 'function' ? p : p.getDelegate?.();
  await target?.forceFlush?.();
}

/**
 * On SIGTERM/SIGINT: stop taking work (`close()` lets in-flight jobs finish), flush every signal,
 * then exit 0. Bounded by `timeoutMs` so a stuck job cannot keep the process alive forever.
 */
export function closeOnSignal(closers: (() => Promise<unknown>)[], timeoutMs = 10_000): void {
  let closing = false;
  const onSignal = () => {
    if (closing) return;
    closing = true;
    const deadline = setTimeout(() => process.exit(1), timeoutMs);
    deadline.unref();
    void (async () => {
      await Promise.allSettled(closers.map((close) => close()));
      await Promise.allSettled([
        flush(trace.getTracerProvider()),
        flush(metrics.getMeterProvider()),
        flush(logs.getLoggerProvider()),
      ]);
      process.exit(0);
    })();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
