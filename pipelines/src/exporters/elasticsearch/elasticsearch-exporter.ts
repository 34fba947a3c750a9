// The elasticsearch exporter: spans and log records to daily indices via `_bulk` create.
import { Client } from '@elastic/elasticsearch';
import type { ExportItem, ExportResult, Exporter } from '@otelgate/pipelines/components/component.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { ALERT_HISTORY_SCOPE } from '@otelgate/pipelines/model/alert-history.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { TracesData } from '@otelgate/pipelines/model/traces.ts';
import type { Logger } from 'pino';
import { BodyBuffers, BulkBody, type BulkOperation } from './bulk-request.ts';
import { BulkWriter } from './bulk-writer.ts';
import type { ElasticsearchExporterConfig } from './config.ts';
import { attributesObject, contentId, logDocument, spanDocument, spanDocumentId } from './documents.ts';
import { indexName, namespaceFor } from './index-naming.ts';
import type { ElasticsearchMetrics } from './metrics.ts';
import { deleteExpiredIndices } from './retention.ts';
import { indexTemplates } from './templates.ts';

/**
 * Turns export items into bulk operations one at a time (pure; also what the benchmark measures),
 * so a bulk's documents are serialized as it is filled, not all of an export's at once.
 */
export function* bulkOperations(
  config: ElasticsearchExporterConfig,
  signal: 'traces' | 'logs',
  items: ExportItem[],
): Generator<BulkOperation> {
  for (let owner = 0; owner < items.length; owner++) {
    const item = items[owner];
    const namespace = namespaceFor(item.ctx.tenant, config.defaultNamespace);
    if (signal === 'traces') {
      for (const rs of (item.data as TracesData).resourceSpans) {
        const resource = attributesObject(rs.resource.attributes);
        for (const ss of rs.scopeSpans) {
          const context = { attributes: resource, scope: { name: ss.scope.name, version: ss.scope.version } };
          for (const span of ss.spans) {
            const json = JSON.stringify(spanDocument(span, context));
            yield {
              index: indexName(config.indexPrefix, 'traces', namespace, span.startTimeUnixNano),
              id: spanDocumentId(span, json),
              json,
              owner,
            };
          }
        }
      }
    } else {
      for (const rl of (item.data as LogsData).resourceLogs) {
        const resource = attributesObject(rl.resource.attributes);
        for (const sl of rl.scopeLogs) {
          const context = { attributes: resource, scope: { name: sl.scope.name, version: sl.scope.version } };
          const kind = sl.scope.name === ALERT_HISTORY_SCOPE ? 'alerts' : 'logs';
          for (const record of sl.logRecords) {
            const json = JSON.stringify(logDocument(record, context));
            const time = record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
            yield {
              index: indexName(config.indexPrefix, kind, namespace, time),
              id: contentId(json),
              json,
              owner,
            };
          }
        }
      }
    }
  }
}

export class ElasticsearchExporter implements Exporter {
  readonly name: string;
  readonly signals: readonly Signal[] = ['traces', 'logs'];
  readonly client: Client;
  private readonly config: ElasticsearchExporterConfig;
  private readonly logger: Logger;
  private readonly writer: BulkWriter;
  private readonly metrics: ElasticsearchMetrics;
  private templatesInstalled = false;
  /** A new body starts with the room the last one needed (growth by doubling is garbage). */
  private lastBulkBytes = 64 * 1024;
  /** One per chunk the process loop delivers at once (four). */
  private readonly buffers = new BodyBuffers(4);
  private retentionTimer: NodeJS.Timeout | undefined;

  constructor(name: string, config: ElasticsearchExporterConfig, logger: Logger, metrics: ElasticsearchMetrics) {
    this.name = name;
    this.metrics = metrics;
    this.config = config;
    this.logger = logger;
    this.client = new Client({
      nodes: config.nodes,
      auth: config.basicAuth
        ? { username: config.basicAuth.username, password: config.basicAuth.password }
        : config.apiKey
          ? { apiKey: config.apiKey }
          : undefined,
      requestTimeout: config.requestTimeoutMs,
      maxRetries: 0,
    });
    this.writer = new BulkWriter(this.client, config, logger, metrics);
  }

  async start(): Promise<void> {
    try {
      await this.ensureTemplates();
    } catch (error) {
      // Not fatal: export() installs them before the first bulk once the cluster answers.
      this.logger.warn({ err: error }, 'elasticsearch not reachable at start; templates will be installed later');
    }
    if (this.config.retentionDays > 0) {
      const run = () =>
        deleteExpiredIndices(this.client, this.config, this.logger).then(
          (deleted) => this.metrics.indicesDeleted.add(deleted.length),
          (error: unknown) => this.logger.warn({ err: error }, 'retention run failed'),
        );
      void run();
      this.retentionTimer = setInterval(run, this.config.retentionCheckIntervalMs);
      this.retentionTimer.unref();
    }
  }

  private async ensureTemplates(): Promise<void> {
    if (this.templatesInstalled || !this.config.installTemplates) return;
    for (const t of indexTemplates(this.config)) {
      const { name, ...body } = t;
      await this.client.indices.putIndexTemplate({ name, ...body } as Parameters<
        Client['indices']['putIndexTemplate']
      >[0]);
    }
    this.templatesInstalled = true;
  }

  async export<S extends Signal>(signal: S, items: ExportItem<S>[]): Promise<ExportResult> {
    if (signal !== 'traces' && signal !== 'logs') return { rejected: [] };
    try {
      await this.ensureTemplates();
    } catch (error) {
      throw new OtelgateError(
        'retryable',
        `elasticsearch: cannot install index templates: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const reasons = new Map<number, string>();
    const send = async (body: BulkBody) => {
      this.lastBulkBytes = body.bytes;
      const { rejected, reusable } = await this.writer.write(body);
      if (reusable) this.buffers.give(body.storage);
      for (const { owner, reason } of rejected) if (!reasons.has(owner)) reasons.set(owner, reason);
    };
    let body = new BulkBody(this.buffers.take(this.lastBulkBytes));
    for (const op of bulkOperations(this.config, signal, items as ExportItem[])) {
      body.add(op);
      if (body.count < this.config.maxDocsPerBulk) continue;
      await send(body);
      body = new BulkBody(this.buffers.take(this.lastBulkBytes));
    }
    if (body.count > 0) await send(body);
    return { rejected: [...reasons].map(([index, reason]) => ({ index, reason })) };
  }

  async shutdown(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.client.close();
  }
}
