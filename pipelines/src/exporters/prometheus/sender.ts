// One remote-write request: snappy, headers, retries with backoff on 5xx / 429 / network
// errors (honouring Retry-After), a 4xx answer is final.
import { backoffDelay, sleep } from '@otelgate/pipelines/delivery/backoff.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import snappy from 'snappy';
import type { PrometheusExporterConfig } from './config.ts';
import type { PrometheusMetrics } from './metrics.ts';

export type SendOutcome = { ok: true } | { ok: false; reason: string };

export const USER_AGENT = 'otelgate/0.1.0';

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function buildHeaders(config: PrometheusExporterConfig, tenant: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    ...config.headers,
    'Content-Encoding': 'snappy',
    'Content-Type': 'application/x-protobuf',
    'X-Prometheus-Remote-Write-Version': '0.1.0',
    'User-Agent': USER_AGENT,
  };
  if (config.basicAuth) {
    headers.Authorization = `Basic ${Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password}`).toString('base64')}`;
  } else if (config.bearerToken) headers.Authorization = `Bearer ${config.bearerToken}`;
  if (config.tenantHeader && tenant) headers['X-Scope-OrgID'] = tenant;
  return headers;
}

/**
 * Sends one encoded WriteRequest. Resolves `{ok:false}` on a final 4xx; throws a retryable
 * OtelgateError after `maxAttempts` transient failures.
 */
export async function sendWriteRequest(
  config: PrometheusExporterConfig,
  body: Uint8Array,
  tenant: string | undefined,
  metrics: PrometheusMetrics,
): Promise<SendOutcome> {
  const compressed = snappy.compressSync(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  metrics.requestBytes.record(compressed.length);
  const headers = buildHeaders(config, tenant);
  let lastProblem = '';
  let retryAfterMs: number | undefined;
  for (let attempt = 0; attempt < config.maxAttempts; attempt++) {
    if (attempt > 0) {
      metrics.requests.add(1, { outcome: 'retried' });
      await sleep(
        Math.min(
          config.maxBackoffMs,
          retryAfterMs ??
            backoffDelay(attempt - 1, { initialMs: config.initialBackoffMs, maxMs: config.maxBackoffMs, jitter: 0.5 }),
        ),
      );
    }
    retryAfterMs = undefined;
    try {
      const response = await fetch(config.endpoint, {
        method: 'POST',
        headers,
        body: new Uint8Array(compressed.buffer as ArrayBuffer, compressed.byteOffset, compressed.length),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const text = response.ok ? '' : (await response.text()).slice(0, 512).trim();
      if (response.ok) {
        await response.body?.cancel().catch(() => {});
        metrics.requests.add(1, { outcome: 'sent' });
        return { ok: true };
      }
      if (response.status === 429 || response.status >= 500) {
        lastProblem = `HTTP ${response.status}: ${text}`;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        continue;
      }
      metrics.requests.add(1, { outcome: 'rejected' });
      return { ok: false, reason: `remote write answered HTTP ${response.status}: ${text}` };
    } catch (error) {
      lastProblem = (error as Error).message;
    }
  }
  metrics.requests.add(1, { outcome: 'failed' });
  throw new OtelgateError(
    'retryable',
    `remote write to ${config.endpoint} failed ${config.maxAttempts} times; last: ${lastProblem}`,
    {
      retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    },
  );
}
