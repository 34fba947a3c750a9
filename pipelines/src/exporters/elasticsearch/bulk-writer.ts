// Sends bulk operations and reads per-item results: 201 created and 409 (already there)
// are delivered; 429 and 5xx items are retried alone with backoff; other failures are
// final (dead-letter path) with Elasticsearch's reason. A request that fails as a whole
// (cluster down, timeout) is retried, then surfaces as a retryable error.
import type { Client } from '@elastic/elasticsearch';
import { type BackoffPolicy, backoffDelay, sleep } from '@otelgate/pipelines/delivery/backoff.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Logger } from 'pino';
import type { ElasticsearchExporterConfig } from './config.ts';
import type { BulkBody } from './bulk-request.ts';
import type { ElasticsearchMetrics } from './metrics.ts';

interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

interface BulkResponse {
  errors: boolean;
  /** Absent when filter_path left nothing (no items). */
  items?: Record<string, BulkItemResult>[];
}

function describe(result: BulkItemResult): string {
  const e = result.error;
  if (!e) return `HTTP ${result.status}`;
  const cause = e.caused_by ? ` (caused by ${e.caused_by.type}: ${e.caused_by.reason})` : '';
  return `HTTP ${result.status} ${e.type}: ${e.reason}${cause}`;
}

export class BulkWriter {
  private readonly client: Client;
  private readonly config: ElasticsearchExporterConfig;
  private readonly policy: BackoffPolicy;
  private readonly logger: Logger;
  private readonly metrics: ElasticsearchMetrics;

  constructor(client: Client, config: ElasticsearchExporterConfig, logger: Logger, metrics: ElasticsearchMetrics) {
    this.metrics = metrics;
    this.client = client;
    this.config = config;
    this.policy = { initialMs: config.initialBackoffMs, maxMs: config.maxBackoffMs, jitter: 0.5 };
    this.logger = logger;
  }

  /**
   * Resolves with the rejected operations and their reasons, and whether the body may be reused (the
   * last request was answered 200, so the client has sent it all); throws retryable when it cannot confirm.
   */
  async write(body: BulkBody): Promise<{ rejected: { owner: number; reason: string }[]; reusable: boolean }> {
    const rejected: { owner: number; reason: string }[] = [];
    let pending = Array.from({ length: body.count }, (_, i) => i);
    let lastProblem = '';
    let reusable = false;
    for (let attempt = 0; attempt < this.config.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt - 1, this.policy));
      let response: BulkResponse;
      try {
        response = (await this.client.transport.request(
          {
            method: 'POST',
            path: '/_bulk',
            // Only what is read below: a full answer is ~200 bytes per document to hold and parse.
            querystring: { filter_path: 'errors,items.*.status,items.*.error' },
            bulkBody: pending.length === body.count ? body.all() : body.only(pending),
          },
          { requestTimeout: this.config.requestTimeoutMs, maxRetries: 0 },
        )) as BulkResponse;
      } catch (error) {
        reusable = false;
        lastProblem = (error as Error).message;
        const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
        this.metrics.bulkRequests.add(1, { outcome: 'failed' });
        if (status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408) {
          // The request itself was refused (e.g. a body the cluster cannot parse): final for all.
          for (const op of pending)
            rejected.push({ owner: body.owners[op], reason: `bulk request refused: ${lastProblem}` });
          return { rejected, reusable: false };
        }
        continue;
      }
      this.metrics.bulkRequests.add(1, { outcome: 'ok' });
      reusable = true;
      const retry: number[] = [];
      for (let i = 0; i < pending.length; i++) {
        const result = response.items?.[i]?.create;
        if (!result) {
          retry.push(pending[i]);
          continue;
        }
        if (result.status === 201 || result.status === 200) this.metrics.documents.add(1, { outcome: 'created' });
        else if (result.status === 409) this.metrics.documents.add(1, { outcome: 'duplicate' });
        else if (result.status === 429 || result.status >= 500) {
          this.metrics.documents.add(1, { outcome: 'retried' });
          lastProblem = describe(result);
          retry.push(pending[i]);
        } else {
          this.metrics.documents.add(1, { outcome: 'rejected' });
          rejected.push({ owner: body.owners[pending[i]], reason: describe(result) });
        }
      }
      if (retry.length > 0) this.logger.debug({ retry: retry.length, of: pending.length }, 'retrying bulk items');
      pending = retry;
    }
    if (pending.length > 0) {
      throw new OtelgateError(
        'retryable',
        `elasticsearch: ${pending.length} documents not confirmed after ${this.config.maxAttempts} attempts; last: ${lastProblem}`,
      );
    }
    return { rejected, reusable };
  }
}
