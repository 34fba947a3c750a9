import type { Reloader } from '../../reload/reloader.ts';
import { type AdminRoute, sendJson } from './admin-route.ts';

/** `POST /reload`: re-reads the config file (as SIGHUP does) and answers what happened. */
export function reloadRoute(reloader: Reloader): AdminRoute {
  return {
    paths: ['/reload'],
    async handle(request, response) {
      if (request.method !== 'POST') {
        sendJson(response, 405, { error: 'use POST /reload' });
        return;
      }
      const result = await reloader.reload('POST /reload');
      if (result.outcome === 'applied') sendJson(response, 200, result);
      else if (result.retryable) {
        response.setHeader('retry-after', '5');
        sendJson(response, 503, result);
      } else sendJson(response, 400, result);
    },
  };
}
