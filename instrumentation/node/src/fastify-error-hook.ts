import { recordOnServerSpan } from './exception-record.ts';

/** The part of a Fastify instance this needs (Fastify 4 and 5), so the package does not depend on Fastify. */
interface FastifyLike {
  addHook(name: 'onError', hook: (request: unknown, reply: unknown, error: unknown) => Promise<void>): unknown;
}

/**
 * Records every error a Fastify route or hook throws (type, message, stack) on the request's HTTP
 * server span and marks it as an error; Fastify's own error handling (the 500 reply, a custom
 * `setErrorHandler`) is unchanged. Call it on the root instance before registering routes:
 * `recordFastifyErrors(app)`. For Fastify's own route spans, add `@fastify/otel` as well.
 */
export function recordFastifyErrors<T extends FastifyLike>(app: T): T {
  app.addHook('onError', async (_request, _reply, error) => {
    recordOnServerSpan(error);
  });
  return app;
}
