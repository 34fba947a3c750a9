import type { AdminPage } from '../admin-page.ts';
import { statusHtml } from './status-html.ts';
import type { StatusDocument } from './status-report.ts';

/** `GET /status` (JSON) and `GET /` (the same as a small HTML page). */
export function statusPage(report: () => Promise<StatusDocument>): AdminPage {
  return {
    paths: ['/status', '/'],
    async handle(_request, response, url) {
      const doc = await report();
      if (url.pathname === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(statusHtml(doc));
      } else {
        response
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(doc, null, 2));
      }
    },
  };
}
