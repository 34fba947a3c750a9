import { recordEscapedError } from './exception-record.ts';

/**
 * Uncaught exceptions and unhandled rejections are recorded with their stack, telemetry is
 * flushed (bounded by the shutdown timeout), then the process exits 1, as Node's defaults
 * (`--unhandled-rejections=throw`) would have done without the flush.
 */
export function captureProcessErrors(flushAndStop: () => Promise<void>): void {
  let exiting = false;
  const fail = (error: unknown, kind: 'uncaughtException' | 'unhandledRejection') => {
    recordEscapedError(error, kind);
    if (exiting) return;
    exiting = true;
    const text = error instanceof Error ? (error.stack ?? error.message) : `${kind}: ${String(error)}`;
    process.stderr.write(`${text}\n`);
    process.exitCode = 1;
    flushAndStop().finally(() => process.exit(1));
  };
  process.on('unhandledRejection', (reason) => fail(reason, 'unhandledRejection'));
  process.on('uncaughtException', (error) => fail(error, 'uncaughtException'));
}
