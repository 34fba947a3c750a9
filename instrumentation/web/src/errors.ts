import { logs, SeverityNumber, type Span, SpanStatusCode } from '@opentelemetry/api';

/** Unhandled errors and promise rejections as ERROR log records with type, message and stack. */
export function captureErrors(): void {
  const logger = logs.getLogger('@otelgate/web/errors');
  const emit = (error: unknown, origin: string) => {
    const e = error instanceof Error ? error : new Error(String(error));
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: `${origin}: ${e.message}`,
      attributes: {
        'exception.type': e.name,
        'exception.message': e.message,
        'exception.stacktrace': e.stack ?? '',
        'url.full': location.href,
      },
    });
  };
  addEventListener('error', (event) => emit(event.error ?? event.message, 'error'));
  addEventListener('unhandledrejection', (event) => emit(event.reason, 'unhandledrejection'));
}

/**
 * The fetch instrumentation's `applyCustomAttributesOnSpan` hook: a fetch that fails on the
 * network (a TypeError, no response) gets its exception (type, message, stack) on its span and
 * status ERROR. The instrumentation records neither; the page usually catches the error, so
 * without this the failure arrives as a span with status UNSET and no exception at all.
 */
export function recordFetchFailure(span: Span, _request: unknown, result: unknown): void {
  if (!(result instanceof Error)) return;
  span.recordException(result);
  span.setStatus({ code: SpanStatusCode.ERROR, message: result.message });
}
