import type { IncomingMessage, ServerResponse } from 'node:http';

/** A read-only admin endpoint (`/status`, `/`): no token, GET and HEAD only. Routes that change state or show data are AdminRoutes. */
export interface AdminPage {
  readonly paths: readonly string[];
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}
