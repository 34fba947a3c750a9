import { recordOnServerSpan } from './exception-record.ts';

type NextFunction = (error?: unknown) => void;

/**
 * Express error middleware: records the exception (type, message, stack) on the HTTP server span
 * and marks it as an error, then hands the error on to the next handler. Register it after the
 * routes: `app.use(recordExpressErrors())`. Works for Express 4 and 5 (and Connect-style routers).
 */
export function recordExpressErrors() {
  return (error: unknown, _req: unknown, _res: unknown, next: NextFunction): void => {
    recordOnServerSpan(error);
    next(error);
  };
}
