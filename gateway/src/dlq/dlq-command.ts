import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { listDeadLetters, replayDeadLetters } from '@otelgate/pipelines/buffer/dead-letters/dead-letter-replay.ts';
import { adminBaseUrl, resolveAdminToken } from '../admin/admin-client.ts';
import { createLogger } from '../telemetry/logger.ts';
import { openBuffer } from '../buffer/open-buffer.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { describeDeadLetter, parseDeadLetterFilter } from './dead-letter-view.ts';

export interface DlqCommandOptions {
  stage?: string;
  signal?: string;
  reason?: string;
  from?: string;
  limit?: string;
  /** The admin token; defaults to $OTELGATE_ADMIN_TOKEN, then the config's `admin.token`. */
  token?: string;
}

/**
 * `otelgate dlq list|replay`: asks the running gateway's admin endpoint; when none answers, opens
 * the buffer directly (the embedded log is locked by a running gateway, so this is the stopped case).
 */
export async function runDlqCommand(
  action: string | undefined,
  config: GatewayConfig,
  options: DlqCommandOptions,
): Promise<number> {
  if (action !== 'list' && action !== 'replay')
    throw new OtelgateError(
      'invalid-argument',
      'usage: otelgate dlq list|replay [--config FILE] [--token TOKEN] [--stage S] [--signal S] [--reason TEXT] [--from OFFSET] [--limit N]',
    );
  const { token, ...filters } = options;
  const filter = parseDeadLetterFilter(filters); // refuses a bad value before anything is asked
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, value);
  const adminToken = resolveAdminToken(token, config.admin.token);
  const viaAdmin = await askAdmin(config.admin.endpoint, action, query, adminToken);
  if (viaAdmin !== undefined) {
    process.stdout.write(`${JSON.stringify(viaAdmin, null, 2)}\n`);
    return 0;
  }
  const buffer = await openBuffer(config, createLogger({ level: 'warn' }));
  try {
    const result =
      action === 'list'
        ? (await listDeadLetters(buffer.deadLetterStore, filter)).map(describeDeadLetter)
        : await replayDeadLetters(buffer.deadLetterStore, buffer.producer, filter);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    await buffer.close();
  }
}

async function askAdmin(
  endpoint: string,
  action: 'list' | 'replay',
  query: URLSearchParams,
  token: string | undefined,
): Promise<unknown> {
  const url = `${adminBaseUrl(endpoint)}/dlq${action === 'replay' ? '/replay' : ''}?${query}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: action === 'replay' ? 'POST' : 'GET',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    return undefined; // nothing listening: the gateway is stopped
  }
  const body = (await response.json()) as { error?: string };
  if (response.status === 401 || response.status === 403)
    throw new OtelgateError(
      response.status === 401 ? 'unauthenticated' : 'permission-denied',
      `the gateway refused: ${body.error ?? response.status} (pass --token or set OTELGATE_ADMIN_TOKEN)`,
    );
  if (!response.ok) throw new OtelgateError('invalid-argument', body.error ?? `admin answered ${response.status}`);
  return body;
}
