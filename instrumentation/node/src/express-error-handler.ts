import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

type NextFunction = (error?: unknown) => void;

/**
 * Express error middleware: records the exception (type, message, stack) on the HTTP server span
 * and marks it as an error, then hands the error on to the next handler. Register it after the
 * routes: `app.use(recordExpressErrors())`. Works for Express 4 and 5 (and Connect-style routers).
 */
export function recordExpressErrors() {
  return (error: unknown, _req: unknown, _res: unknown, next: NextFunction): void => {
    const active = context.active();
    const rpc = getRPCMetadata(active);
    const span = rpc?.type === RPCType.HTTP && rpc.span ? rpc.span : trace.getSpan(active);
    if (span) {
      const exception = error instanceof Error ? error : String(error);
      span.recordException(exception);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    next(error);
  };
}
