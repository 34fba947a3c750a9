import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { checkAdminToken } from '../admin-auth.ts';

/** An admin endpoint that needs the admin token (dead letters, tap, reload). */
export interface AdminRoute {
  /** Exact paths served. */
  readonly paths: readonly string[];
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Checks the token, then runs the route; an error it throws answers 400 with its message (500 once headers are out). */
export function serveAdminRoute(
  route: AdminRoute,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  adminToken: string | undefined,
  logger: Logger,
): void {
  const decision = checkAdminToken(request, adminToken);
  if (!decision.ok) {
    logger.warn(
      { path: url.pathname, method: request.method, peer: request.socket.remoteAddress, status: decision.status },
      'admin request refused',
    );
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (decision.status === 401) headers['www-authenticate'] = 'Bearer realm="otelgate-admin"';
    response.writeHead(decision.status, headers).end(JSON.stringify({ error: decision.message }));
    return;
  }
  route.handle(request, response, url).catch((error: Error) => {
    if (response.headersSent) {
      logger.error({ err: error, path: url.pathname }, 'admin request failed after the answer started');
      response.destroy();
    } else sendJson(response, 400, { error: error.message });
  });
}
