// Alertmanager's webhook on its own listener: each notification becomes history records (one per
// alert state change) appended through ingest admission like any OTLP logs request, answered 200
// only once they are durable. A refusal the buffer may lift (full, unavailable) answers 503/429,
// and Alertmanager sends the notification again; a bad token 401, a bad payload 400.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { asOtelgateError, OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import type { Logger } from 'pino';
import { sameSecret } from '../../admin/admin-auth.ts';
import { parseEndpoint } from '../../config/endpoint.ts';
import type { Admission } from '../../ingest/admission.ts';
import type { ReceiverMetrics } from '../../telemetry/self-metrics.ts';
import { readRawBody } from '../http/read-body.ts';
import { listen } from '../listen.ts';
import { notificationLogs } from './alert-records.ts';
import type { AlertmanagerReceiverConfig } from './config.ts';
import { webhookPayloadSchema } from './webhook-payload.ts';

export interface AlertmanagerReceiverContext {
  admission: Admission;
  metrics: ReceiverMetrics;
  logger: Logger;
}

const TRANSPORT = 'alertmanager';

function authenticate(request: IncomingMessage, token: string): void {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (!match || !sameSecret(match[1], token))
    throw new OtelgateError(
      'unauthenticated',
      'send the receivers.alertmanager token as "Authorization: Bearer <token>"',
    );
}

async function handle(
  request: IncomingMessage,
  config: AlertmanagerReceiverConfig,
  context: AlertmanagerReceiverContext,
): Promise<number> {
  const path = (request.url ?? '').split('?')[0];
  if (path !== config.path) throw new OtelgateError('not-found', `no such path; Alertmanager posts to ${config.path}`);
  if (request.method !== 'POST') throw new OtelgateError('method-not-allowed', `use POST ${config.path}`);
  authenticate(request, config.token);
  let alerts = 0;
  await context.admission.admit({
    signal: 'logs',
    transport: TRANSPORT,
    tenant: config.tenant,
    json: false,
    peerAddress: undefined,
    async read(account) {
      const raw = await readRawBody(request, config.maxRequestBodyBytes, account);
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw new OtelgateError('invalid-argument', `body: not JSON: ${(error as Error).message}`);
      }
      const parsed = webhookPayloadSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new OtelgateError(
          'invalid-argument',
          `body.${issue.path.join('.')}: ${issue.message} (expected an Alertmanager webhook notification, version 4)`,
        );
      }
      alerts = parsed.data.alerts.length;
      const body = encodeLogs(notificationLogs(parsed.data));
      account.charge(body.length);
      return body;
    },
  });
  return alerts;
}

function answer(response: ServerResponse, status: number, body: Record<string, unknown>, headers = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export async function startAlertmanagerReceiver(
  config: AlertmanagerReceiverConfig,
  context: AlertmanagerReceiverContext,
): Promise<Server> {
  const logger = context.logger.child({ component: 'alertmanager-receiver' });
  const server = createServer((request, response) => {
    const started = performance.now();
    const took = (outcome: string) =>
      context.metrics.requestDuration.record((performance.now() - started) / 1000, {
        signal: 'logs',
        transport: TRANSPORT,
        outcome,
      });
    handle(request, config, context).then(
      (alerts) => {
        took('accepted');
        answer(response, 200, { alerts });
      },
      (error: unknown) => {
        const failure = asOtelgateError(error);
        took(failure.kind);
        context.metrics.refusedRequests.add(1, { signal: 'logs', transport: TRANSPORT, reason: failure.kind });
        const level = failure.kind === 'internal' ? 'error' : 'warn';
        logger[level]({ err: failure, kind: failure.kind }, 'alertmanager notification refused');
        const headers = failure.retryAfterSeconds ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
        answer(response, failure.httpStatus, { error: failure.message }, headers);
        if (!request.complete) request.resume();
      },
    );
  });
  await listen(server, parseEndpoint(config.endpoint)!);
  return server;
}
