import { createServer, type Server } from 'node:http';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Logger } from 'pino';
import type { HostPort } from '../config/endpoint.ts';
import type { BufferProducer } from '@otelgate/pipelines/buffer/buffer.ts';
import { listen } from '../receivers/listen.ts';
import {
  type DeadLetterFilter,
  type DeadLetterStore,
  describeDeadLetter,
  listDeadLetters,
  replayDeadLetters,
} from '../dlq/dead-letter-store.ts';

export interface ReadinessCheck {
  name: string;
  /** True when this part can do its work now. */
  ready(): boolean | Promise<boolean>;
}

export interface AdminServerOptions {
  endpoint: HostPort;
  exporter: PrometheusExporter;
  checks: ReadinessCheck[];
  readinessCacheMs: number;
  logger: Logger;
  /** Serves `GET /dlq` and `POST /dlq/replay` when set. */
  deadLetters?: { store: DeadLetterStore; producer: BufferProducer };
}

/** `/metrics`, `/healthz` and `/readyz`, on their own port, never on the OTLP ports. */
export async function startAdminServer(options: AdminServerOptions): Promise<Server> {
  let cached: { at: number; body: Record<string, boolean>; ok: boolean } | undefined;

  async function readiness() {
    const now = Date.now();
    if (cached && now - cached.at < options.readinessCacheMs) return cached;
    const body: Record<string, boolean> = {};
    for (const check of options.checks) {
      body[check.name] = await Promise.resolve(check.ready()).catch(() => false);
    }
    cached = { at: now, body, ok: Object.values(body).every(Boolean) };
    return cached;
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://admin');
    const path = url.pathname;
    if (path.startsWith('/dlq') && options.deadLetters) {
      serveDeadLetters(path, request.method ?? 'GET', url.searchParams, options.deadLetters).then(
        ({ status, body }) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        (error: Error) =>
          response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      options.exporter.getMetricsRequestHandler(request, response);
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"alive"}');
    } else if (path === '/readyz') {
      readiness().then(
        ({ ok, body }) => {
          response
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: ok ? 'ready' : 'not ready', checks: body }));
        },
        (error: Error) => {
          options.logger.error({ err: error }, 'readiness check failed');
          response.writeHead(503).end();
        },
      );
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
    }
  });
  await listen(server, options.endpoint);
  return server;
}

export function filterFromQuery(query: URLSearchParams): DeadLetterFilter {
  const from = query.get('from');
  const limit = query.get('limit');
  return {
    fromOffset: from ? BigInt(from) : undefined,
    limit: limit ? Number(limit) : undefined,
    stage: query.get('stage') ?? undefined,
    signal: (query.get('signal') as DeadLetterFilter['signal']) ?? undefined,
    reasonContains: query.get('reason') ?? undefined,
  };
}

async function serveDeadLetters(
  path: string,
  method: string,
  query: URLSearchParams,
  dlq: { store: DeadLetterStore; producer: BufferProducer },
): Promise<{ status: number; body: unknown }> {
  const filter = filterFromQuery(query);
  if (path === '/dlq' && method === 'GET') {
    return { status: 200, body: (await listDeadLetters(dlq.store, filter)).map(describeDeadLetter) };
  }
  if (path === '/dlq/replay' && method === 'POST') {
    return { status: 200, body: { replayed: await replayDeadLetters(dlq.store, dlq.producer, filter) } };
  }
  return { status: 404, body: { error: 'use GET /dlq or POST /dlq/replay' } };
}
