import { flushGlobalProviders } from './flush-providers.ts';

const EXIT_CODES = { SIGTERM: 143, SIGINT: 130 } as const;

/**
 * On SIGTERM/SIGINT: when the application has its own handler for the signal, it owns the exit, so
 * telemetry is only flushed (the SDK keeps running for whatever the app still does while it drains).
 * When nobody else listens, the SDK is shut down (flushing everything) and the process exits as
 * Node would have.
 */
export function handleShutdownSignals(shutdown: () => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) {
        void flushGlobalProviders();
        return;
      }
      process.removeListener(signal, onSignal);
      void shutdown().finally(() => process.exit(EXIT_CODES[signal]));
    };
    process.on(signal, onSignal);
  }
}
