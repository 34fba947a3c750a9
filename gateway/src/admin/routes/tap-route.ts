import { SIGNALS, type Signal } from '@otelgate/pipelines/model/common.ts';
import type { TapHub } from '../../tap/tap-hub.ts';
import { TapRefusal } from '../../tap/tap-hub.ts';
import { parseTapPoint } from '../../tap/tap-points.ts';
import { type AdminRoute, sendJson } from './admin-route.ts';

const DEFAULT_RATE = 10;

/**
 * `GET /tap?point=&signal=&service=&attr=k=v&rate=N`: streams sampled records as OTLP/JSON lines
 * (application/x-ndjson) until the client goes away. Without a process role, 404.
 */
export function tapRoute(hub: TapHub | undefined): AdminRoute {
  return {
    paths: ['/tap'],
    async handle(request, response, url) {
      if (request.method !== 'GET') {
        sendJson(response, 405, { error: 'use GET /tap' });
        return;
      }
      if (!hub) {
        sendJson(response, 404, {
          error: 'this process runs no pipelines (role ingest): tap a gateway that runs the process role',
        });
        return;
      }
      const query = url.searchParams;
      const signal = query.get('signal') ?? undefined;
      if (signal !== undefined && !SIGNALS.includes(signal as Signal))
        throw new Error(`signal: expected traces, metrics or logs, got ${JSON.stringify(signal)}`);
      const rateText = query.get('rate');
      const ratePerSecond = rateText === null ? DEFAULT_RATE : Number(rateText);
      if (!Number.isInteger(ratePerSecond) || ratePerSecond < 1)
        throw new Error(`rate: expected a whole number of records per second >= 1, got ${JSON.stringify(rateText)}`);
      const attributes = query.getAll('attr').map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`attr: expected key=value, got ${JSON.stringify(pair)}`);
        return { key: pair.slice(0, at), value: pair.slice(at + 1) };
      });
      let session: ReturnType<TapHub['attach']>;
      try {
        session = hub.attach({
          point: parseTapPoint(query.get('point') ?? 'end'),
          signal: signal as Signal | undefined,
          filter: { service: query.get('service') ?? undefined, attributes },
          ratePerSecond,
          response,
        });
      } catch (error) {
        if (error instanceof TapRefusal) {
          sendJson(response, error.status, { error: error.message });
          return;
        }
        throw error;
      }
      response.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      response.flushHeaders();
      response.once('close', () => hub.detach(session));
    },
  };
}
