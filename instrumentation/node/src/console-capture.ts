import { context, logs, SeverityNumber } from '@opentelemetry/api';
import { format } from 'node:util';

const LEVELS = {
  debug: SeverityNumber.DEBUG,
  log: SeverityNumber.INFO,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
} as const;

/** Mirrors console.* calls as OTLP log records; the original output is unchanged. */
export function captureConsole(): void {
  const logger = logs.getLogger('@otelgate/node/console');
  for (const [method, severityNumber] of Object.entries(LEVELS) as [keyof typeof LEVELS, SeverityNumber][]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      original(...args);
      try {
        logger.emit({
          severityNumber,
          severityText: method === 'log' ? 'INFO' : method.toUpperCase(),
          body: format(...args),
          attributes: { 'log.source': 'console' },
          context: context.active(),
        });
      } catch {
        // Telemetry must never break the application's logging.
      }
    };
  }
}
