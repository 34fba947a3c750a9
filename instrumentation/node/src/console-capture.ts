import { context, logs, SeverityNumber } from '@opentelemetry/api';
import { format } from 'node:util';
import { exceptionAttributes } from './exception-record.ts';

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
          // console.error(error): the Error's type, message and stack as exception.* attributes,
          // so it is an exception at the gateway and not only text in the body.
          attributes: { 'log.source': 'console', ...errorAttributes(args) },
          context: context.active(),
        });
      } catch {
        // Telemetry must never break the application's logging.
      }
    };
  }
}

function errorAttributes(args: unknown[]) {
  const error = args.find((arg) => arg instanceof Error);
  return error ? exceptionAttributes(error) : {};
}
