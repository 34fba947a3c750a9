import type { BufferProducer } from '@otelgate/pipelines/buffer/buffer.ts';
import { listDeadLetters, replayDeadLetters } from '@otelgate/pipelines/buffer/dead-letters/dead-letter-replay.ts';
import type { DeadLetterStore } from '@otelgate/pipelines/buffer/dead-letters/dead-letter-store.ts';
import { describeDeadLetter, FILTER_OPTIONS, parseDeadLetterFilter } from '../../dlq/dead-letter-view.ts';
import { type AdminRoute, sendJson } from './admin-route.ts';

/** `GET /dlq` lists dead letters not yet replayed, `POST /dlq/replay` sends them through the pipelines again. */
export function dlqRoute(dlq: { store: DeadLetterStore; producer: BufferProducer }): AdminRoute {
  return {
    paths: ['/dlq', '/dlq/replay'],
    async handle(request, response, url) {
      const filter = parseDeadLetterFilter(
        Object.fromEntries(FILTER_OPTIONS.map((name) => [name, url.searchParams.get(name)])),
      );
      if (url.pathname === '/dlq' && request.method === 'GET') {
        sendJson(response, 200, (await listDeadLetters(dlq.store, filter)).map(describeDeadLetter));
      } else if (url.pathname === '/dlq/replay' && request.method === 'POST') {
        sendJson(response, 200, await replayDeadLetters(dlq.store, dlq.producer, filter));
      } else {
        sendJson(response, 405, { error: 'use GET /dlq or POST /dlq/replay' });
      }
    },
  };
}
