import { type Attributes, context, logs, SeverityNumber, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

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
 * Records an error a web framework's error handler caught on the request's HTTP server span (the
 * span the http instrumentation started; the active span may be a framework's child span) and
 * marks that span as an error.
 */
export function recordOnServerSpan(error: unknown): void {
  const active = context.active();
  const rpc = getRPCMetadata(active);
  const span = rpc?.type === RPCType.HTTP && rpc.span ? rpc.span : trace.getSpan(active);
  if (!span) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
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
