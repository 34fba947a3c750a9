import { context, logs, SeverityNumber } from '@opentelemetry/api';
import TransportStream from 'winston-transport';

const SEVERITY: Record<string, SeverityNumber> = {
  error: SeverityNumber.ERROR,
  warn: SeverityNumber.WARN,
  info: SeverityNumber.INFO,
  http: SeverityNumber.DEBUG4,
  verbose: SeverityNumber.DEBUG2,
  debug: SeverityNumber.DEBUG,
  silly: SeverityNumber.TRACE,
};

// Fields winston (or its format chain) adds that are not the caller's attributes.
const RESERVED = new Set(['level', 'message', 'timestamp', 'trace_id', 'span_id', 'trace_flags']);

type AttributeValue = string | number | boolean;

/**
 * A winston transport that emits each record through the global LoggerProvider set up by
 * `@otelgate/node`, in the active context, so the record carries the current trace and span ids.
 * Written here because `@opentelemetry/winston-transport` still pins the pre-3.x logs API.
 */
export class OtelgateWinstonTransport extends TransportStream {
  readonly #logger = logs.getLogger('@otelgate/node/winston');

  override log(info: Record<string, unknown>, callback: () => void): void {
    try {
      const level = String(info.level ?? 'info');
      const attributes: Record<string, AttributeValue> = { 'log.source': 'winston' };
      for (const [key, value] of Object.entries(info)) {
        if (RESERVED.has(key) || value === undefined) continue;
        attributes[key] =
          typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
            ? value
            : safeJson(value);
      }
      this.#logger.emit({
        severityNumber: SEVERITY[level] ?? SeverityNumber.INFO,
        severityText: level.toUpperCase(),
        body: String(info.message ?? ''),
        attributes,
        context: context.active(),
      });
    } catch {
      // Telemetry must never break the application's logging.
    }
    callback();
  }
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
