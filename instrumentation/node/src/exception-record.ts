import { type Attributes, context, SeverityNumber, SpanStatusCode, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api';

const SCOPE = '@otelgate/node';

export function exceptionAttributes(error: unknown): Attributes {
  if (error instanceof Error) {
    return {
      'exception.type': error.name,
      'exception.message': error.message,
      'exception.stacktrace': error.stack ?? `${error.name}: ${error.message}`,
    };
  }
  return { 'exception.type': typeof error, 'exception.message': String(error) };
}

/**
 * Records an error that escaped the application: on the active span when there is one, and always
 * as a log record (with the active trace context) so it is seen even when no span was running.
 */
export function recordEscapedError(error: unknown, kind: 'uncaughtException' | 'unhandledRejection'): void {
  const attributes: Attributes = {
    ...exceptionAttributes(error),
    'exception.escaped': true,
    'otelgate.error.origin': kind,
  };
  const span = trace.getActiveSpan();
  if (span) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(attributes['exception.message']) });
  }
  logs.getLogger(SCOPE).emit({
    severityNumber: SeverityNumber.FATAL,
    severityText: 'FATAL',
    body: `${kind}: ${String(attributes['exception.message'])}`,
    attributes,
    context: context.active(),
  });
}
