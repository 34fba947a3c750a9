import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { asOtelgateError, OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TenantResolver } from '../../auth/api-keys.ts';
import type { HttpReceiverConfig } from '../../config/schema.ts';
import { parseEndpoint } from '../../config/endpoint.ts';
import type { InFlightLimiter } from '../../ingest/in-flight-limiter.ts';
import type { IngestService } from '../../ingest/ingest-service.ts';
import { createPeerAddressResolver } from '../../ingest/peer-address.ts';
import type { ReceiverMetrics } from '../../telemetry/self-metrics.ts';
import { listen } from '../listen.ts';
import { answerPreflight, applyCors } from './cors.ts';
import { decodeContentEncoding, readRawBody } from './read-body.ts';
import { sendError, sendSuccess } from './respond.ts';

const ROUTES: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

export interface HttpReceiverOptions {
  config: HttpReceiverConfig;
  ingest: IngestService;
  tenants: TenantResolver;
  limiter: InFlightLimiter;
  metrics: ReceiverMetrics;
  logger: Logger;
}

/** OTLP/HTTP on 4318: POST /v1/{traces,metrics,logs}, protobuf or JSON, gzip/deflate/zstd, CORS. */
export async function startHttpReceiver(options: HttpReceiverOptions): Promise<Server> {
  const { config, logger } = options;
  const peerAddressOf = createPeerAddressResolver(config.trustedProxies);
  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      logger.error({ err: error }, 'unexpected error answering an OTLP/HTTP request');
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 65_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const signal = ROUTES[path];
    if (request.method === 'OPTIONS' && signal) {
      answerPreflight(request, response, config.cors);
      return;
    }
    const json = isJson(request.headers['content-type']);
    const started = performance.now();
    const outcome = { signal: signal ?? 'unknown', transport: 'http' } as Record<string, string>;
    let release: (() => void) | undefined;
    try {
      if (!applyCors(request, response, config.cors)) {
        throw new OtelgateError('permission-denied', `origin ${request.headers.origin} is not allowed`);
      }
      if (!signal)
        throw new OtelgateError('not-found', `unknown path ${path}: use /v1/traces, /v1/metrics or /v1/logs`);
      if (request.method !== 'POST') {
        response.setHeader('allow', 'POST, OPTIONS');
        throw new OtelgateError('method-not-allowed', `method ${request.method} not allowed on ${path}: use POST`);
      }
      const tenant = options.tenants.resolve((name) => headerString(request.headers[name]));
      const contentType = request.headers['content-type'];
      if (!json && !isProtobuf(contentType)) {
        throw new OtelgateError(
          'unsupported-media-type',
          `unsupported Content-Type ${JSON.stringify(contentType ?? '')}: use application/x-protobuf or application/json`,
        );
      }
      const announced = Number(request.headers['content-length'] ?? config.maxRequestBodyBytes);
      release = options.limiter.acquire(Math.min(announced, config.maxRequestBodyBytes));
      const raw = await readRawBody(request, config.maxRequestBodyBytes);
      const body = await decodeContentEncoding(raw, request.headers['content-encoding'], config.maxRequestBodyBytes);
      if (body.length > raw.length) {
        // The inflated body takes memory of its own: hold it against the in-flight limit too.
        const releaseRaw = release;
        const releaseInflated = options.limiter.acquire(body.length - raw.length);
        release = () => {
          releaseRaw();
          releaseInflated();
        };
      }
      options.metrics.requestSize.record(body.length, { signal, transport: 'http' });
      await options.ingest.accept({
        signal,
        transport: 'http',
        body,
        json,
        tenant,
        peerAddress: peerAddressOf(request.socket.remoteAddress, headerString(request.headers['x-forwarded-for'])),
      });
      outcome.outcome = 'accepted';
      sendSuccess(response, signal, json);
    } catch (error) {
      const failure = asOtelgateError(error);
      outcome.outcome = failure.kind;
      options.metrics.refusedRequests.add(1, { signal: signal ?? 'unknown', transport: 'http', reason: failure.kind });
      // Request-scoped lines carry the client's X-Request-Id, or one of our own.
      const requestId = headerString(request.headers['x-request-id']) ?? randomUUID();
      if (failure.kind === 'internal') logger.error({ err: error, requestId, path }, 'OTLP/HTTP request failed');
      else logger.debug({ requestId, path, kind: failure.kind, reason: failure.message }, 'OTLP/HTTP request refused');
      // An unread body must be drained or the connection closed, or the socket stalls.
      if (!request.complete) response.setHeader('connection', 'close');
      sendError(response, failure, json);
    } finally {
      release?.();
      options.metrics.requestDuration.record((performance.now() - started) / 1000, outcome);
    }
  }

  const endpoint = parseEndpoint(config.endpoint)!;
  await listen(server, endpoint);
  return server;
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJson(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/json';
}

function isProtobuf(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === 'application/x-protobuf' || type === 'application/protobuf';
}
