import type { BufferProducer } from '@otelgate/pipelines/buffer/buffer.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import {
  type DeadLetterFilter,
  type DeadLetterStore,
  describeDeadLetter,
  listDeadLetters,
  replayDeadLetters,
} from '../../dlq/dead-letter-store.ts';
import { type AdminRoute, sendJson } from './admin-route.ts';

/** `GET /dlq` lists dead letters, `POST /dlq/replay` sends them through the pipelines again. */
export function dlqRoute(dlq: { store: DeadLetterStore; producer: BufferProducer }): AdminRoute {
  return {
    paths: ['/dlq', '/dlq/replay'],
    async handle(request, response, url) {
      const filter = filterFromQuery(url.searchParams);
      if (url.pathname === '/dlq' && request.method === 'GET') {
        sendJson(response, 200, (await listDeadLetters(dlq.store, filter)).map(describeDeadLetter));
      } else if (url.pathname === '/dlq/replay' && request.method === 'POST') {
        sendJson(response, 200, { replayed: await replayDeadLetters(dlq.store, dlq.producer, filter) });
      } else {
        sendJson(response, 405, { error: 'use GET /dlq or POST /dlq/replay' });
      }
    },
  };
}

export function filterFromQuery(query: URLSearchParams): DeadLetterFilter {
  const from = query.get('from');
  const limit = query.get('limit');
  return {
    fromOffset: from ? BigInt(from) : undefined,
    limit: limit ? Number(limit) : undefined,
    stage: query.get('stage') ?? undefined,
    signal: (query.get('signal') as Signal | null) ?? undefined,
    reasonContains: query.get('reason') ?? undefined,
  };
}
