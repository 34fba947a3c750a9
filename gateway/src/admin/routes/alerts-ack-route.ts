import { asOtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { z } from 'zod';
import type { Acknowledger } from '../../alerts/acknowledge.ts';
import { type AdminRoute, sendJson } from './admin-route.ts';

const MAX_BODY_BYTES = 64 * 1024;

const ackBodySchema = z.strictObject({
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{1,32}$/, 'expected the alert fingerprint (hex, as `amtool alert query -o json` shows it)'),
  by: z.string().min(1).max(200),
  note: z.string().max(4000).default(''),
  minutes: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 60)
    .optional(),
});

async function readJson(request: import('node:http').IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`body: larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new Error(`body: not JSON: ${(error as Error).message}`);
  }
}

/**
 * `POST /alerts/ack` `{ fingerprint, by, note?, minutes? }`: silences the alert in Alertmanager and
 * records the acknowledgement in the alert history. Without an acknowledger (no
 * receivers.alertmanager.alertmanagerUrl, or a process-only role): 404 saying so.
 */
export function alertsAckRoute(acknowledger: Acknowledger | undefined): AdminRoute {
  return {
    paths: ['/alerts/ack'],
    async handle(request, response) {
      if (request.method !== 'POST') {
        sendJson(response, 405, { error: 'use POST /alerts/ack' });
        return;
      }
      if (!acknowledger) {
        sendJson(response, 404, {
          error:
            'acknowledging alerts needs receivers.alertmanager with alertmanagerUrl set, on a gateway that runs ingest',
        });
        return;
      }
      const parsed = ackBodySchema.safeParse(await readJson(request));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        sendJson(response, 400, { error: `body.${issue.path.join('.')}: ${issue.message}` });
        return;
      }
      try {
        sendJson(response, 200, await acknowledger.acknowledge(parsed.data));
      } catch (error) {
        const failure = asOtelgateError(error);
        if (failure.retryable) response.setHeader('retry-after', '5');
        sendJson(response, failure.httpStatus, { error: failure.message });
      }
    },
  };
}
