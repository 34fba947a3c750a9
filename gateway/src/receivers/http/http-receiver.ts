import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { asOtelgateError, OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { TenantResolver } from '../../auth/api-keys.ts';
import type { HttpReceiverConfig } from '../../config/schema.ts';
import { parseEndpoint } from '../../config/endpoint.ts';
import type { Admission } from '../../ingest/admission.ts';
import { IdleConnections } from '../../ingest/idle-connections.ts';
import { createPeerAddressResolver } from '../../ingest/peer-address.ts';
import type { ReceiverMetrics } from '../../telemetry/self-metrics.ts';
import { listen } from '../listen.ts';
import { ReadDeadline } from '../read-deadline.ts';
import { loadReceiverTls } from '../tls/receiver-tls.ts';
import { answerClientError } from './client-error.ts';
import { answerPreflight, applyCors } from './cors.ts';
import { decodeContentEncoding, readRawBody } from './read-body.ts';
import { sendError, sendSuccess } from './respond.ts';

const ROUTES: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

export interface HttpReceiverOptions {
  config: HttpReceiverConfig;
  admission: Admission;
  tenants: TenantResolver;
  metrics: ReceiverMetrics;
  logger: Logger;
}

/** OTLP/HTTP on 4318: POST /v1/{traces,metrics,logs}, protobuf or JSON, gzip/deflate/zstd, CORS. */
export async function startHttpReceiver(options: HttpReceiverOptions): Promise<Server> {
  const { config, logger } = options;
  const peerAddressOf = createPeerAddressResolver(config.trustedProxies);
  const tls = config.tls && loadReceiverTls(config.tls, { transport: 'http', logger, metrics: options.metrics });
  const idle = new IdleConnections<Socket>();
  const writeTimeoutMs = config.writeTimeoutSeconds * 1000;
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    // Pipelined requests are dispatched as fast as they are parsed, before any is answered: a
    // client writing thousands without reading answers would hold them all.
    if (idle.begin(socket) > config.maxPipelinedRequests) {
      if (socket.destroyed) return;
      options.metrics.limitRefusals.add(1, { transport: 'http', reason: 'pipeline-depth' });
      socket.destroy();
      return;
    }
    response.once('close', () => idle.end(socket));
    handle(request, response).then(
      () => watchDelivery(response, socket),
      (error) => {
        logger.error({ err: error }, 'unexpected error answering an OTLP/HTTP request');
        if (!response.headersSent) response.writeHead(500).end();
      },
    );
  };
  // Node looks for connections past headersTimeout / requestTimeout every connectionsCheckingInterval
  // (30 s by default): a slowloris would get 10 + 30 s instead of 10.
  const serverOptions = { connectionsCheckingInterval: 1000 };
  // https.Server is an http.Server on a TLS listener: the callers use only what both have.
  const server: Server = tls
    ? createHttpsServer(
        { ...tls.serverOptions, ...serverOptions, handshakeTimeout: config.readHeaderTimeoutSeconds * 1000 },
        onRequest,
      )
    : createServer(serverOptions, onRequest);
  if (tls) tls.attach(server as unknown as TlsServer);
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    idle.opened(socket);
    socket.once('close', () => idle.closed(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(error, socket, config, options.metrics),
  );
  /**
   * An answer is a few hundred bytes and usually handed to the kernel at once; one still queued
   * (a client that never reads, or pipelines without reading) gets writeTimeoutSeconds, then its
   * connection is closed so it frees its buffers and slot.
   */
  const watchDelivery = (response: ServerResponse, socket: Socket) => {
    if (response.writableFinished || (response.socket && response.socket.writableLength === 0)) return;
    const timer = setTimeout(() => {
      // A pipelined answer still queued when its connection closed for another reason hears nothing.
      if (socket.destroyed) return;
      options.metrics.limitRefusals.add(1, { transport: 'http', reason: 'write-timeout' });
      socket.destroy();
    }, writeTimeoutMs);
    timer.unref();
    response.once('close', () => clearTimeout(timer));
  };
  server.headersTimeout = config.readHeaderTimeoutSeconds * 1000;
  // Our own read deadline (408 with a message) comes first; Node's is the backstop behind it.
  server.requestTimeout = (config.readHeaderTimeoutSeconds + config.readTimeoutSeconds + 10) * 1000;
  server.keepAliveTimeout = 65_000;
  server.maxConnections = config.maxConnections;
  server.on('drop', () => {
    options.metrics.limitRefusals.add(1, { transport: 'http', reason: 'connection-limit' });
    // At the cap, the connection idle longest (kept alive, or not yet through its headers) makes
    // room, so the refused client's retry gets in: idle connections cannot lock everyone out.
    idle.evictOne((socket) => {
      options.metrics.limitRefusals.add(1, { transport: 'http', reason: 'connection-idle' });
      socket.destroy();
    });
  });

  const bodyLimits = {
    readTimeoutMs: config.readTimeoutSeconds * 1000,
    idleTimeoutMs: 0,
    minBytesPerSecond: config.minBodyRateBytesPerSecond,
    configPath: 'receivers.otlp.http',
    what: 'request body',
  };

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
    let deadline: ReadDeadline | undefined;
    try {
      const certificateRefusal = tls?.refusal(request.socket);
      if (certificateRefusal) throw new OtelgateError('unauthenticated', certificateRefusal);
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
      deadline = new ReadDeadline(bodyLimits, (reason) =>
        options.metrics.limitRefusals.add(1, { transport: 'http', reason }),
      );
      const bodyDeadline = deadline;
      const limit = config.maxRequestBodyBytes;
      await options.admission.admit({
        signal,
        transport: 'http',
        tenant,
        json,
        peerAddress: peerAddressOf(request.socket.remoteAddress, headerString(request.headers['x-forwarded-for'])),
        read: async (account) => {
          const raw = await readRawBody(request, limit, account, bodyDeadline);
          return decodeContentEncoding(raw, request.headers['content-encoding'], limit, account);
        },
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
      deadline?.stop();
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
