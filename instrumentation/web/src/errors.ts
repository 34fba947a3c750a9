import { logs, SeverityNumber } from '@opentelemetry/api';

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
