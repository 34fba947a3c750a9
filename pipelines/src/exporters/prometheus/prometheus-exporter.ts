// The prometheus exporter: translate every item, cap cardinality, split by tenant and by
// shard (hash of the series, so one series always travels through one shard in order),
// send shards in parallel, requests within a shard one after the other.
import type { ExportItem, ExportResult, Exporter } from '@otelgate/pipelines/components/component.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import type { Logger } from 'pino';
import { CardinalityCap } from './cardinality-cap.ts';
import type { PrometheusExporterConfig } from './config.ts';
import { DeltaToCumulative } from './delta-to-cumulative.ts';
import type { PrometheusMetrics } from './metrics.ts';
import { sendWriteRequest } from './sender.ts';
import { type TranslateOptions, translateMetrics } from './translate.ts';
import { encodeWriteRequest, type MetricMetadata, type TimeSeries } from './write-request.ts';

interface Outgoing {
  series: TimeSeries;
  /** Indexes of the items that contributed samples. */
  owners: Set<number>;
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class PrometheusExporter implements Exporter {
  readonly name: string;
  readonly signals: readonly Signal[] = ['metrics'];
  private readonly config: PrometheusExporterConfig;
  private readonly logger: Logger;
  private readonly deltas: DeltaToCumulative;
  private readonly cap: CardinalityCap;
  private readonly options: TranslateOptions;
  private readonly metrics: PrometheusMetrics;

  constructor(name: string, config: PrometheusExporterConfig, logger: Logger, metrics: PrometheusMetrics) {
    this.name = name;
    this.metrics = metrics;
    this.config = config;
    this.logger = logger;
    this.deltas = new DeltaToCumulative(config.deltaMaxSeries, config.deltaStaleAfterMs);
    this.cap = new CardinalityCap(config.maxSeriesPerTenant, config.deltaStaleAfterMs, metrics);
    this.options = {
      addMetricSuffixes: config.addMetricSuffixes,
      promoteResourceAttributes: new Set(config.promoteResourceAttributes),
      targetInfo: config.targetInfo,
      scopeLabels: config.scopeLabels,
    };
  }

  async export<S extends Signal>(signal: S, items: ExportItem<S>[]): Promise<ExportResult> {
    if (signal !== 'metrics') return { rejected: [] };
    const byTenant = new Map<string, { series: Map<string, Outgoing>; metadata: Map<string, MetricMetadata> }>();
    const now = Date.now();
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const tenant = item.ctx.tenant ?? '';
      const translation = translateMetrics(item.data as MetricsData, this.options, this.deltas);
      for (const [reason, n] of translation.dropped) this.metrics.pointsDropped.add(n, { reason });
      let group = byTenant.get(tenant);
      if (!group) {
        group = { series: new Map(), metadata: new Map() };
        byTenant.set(tenant, group);
      }
      for (const [name, m] of translation.metadata) group.metadata.set(name, m);
      for (const [key, ts] of translation.series) {
        const existing = group.series.get(key);
        if (existing) {
          existing.series.samples.push(...ts.samples);
          existing.series.histograms.push(...ts.histograms);
          existing.series.exemplars.push(...ts.exemplars);
          existing.owners.add(index);
          continue;
        }
        if (!this.cap.admit(tenant, key, now)) continue;
        group.series.set(key, { series: ts, owners: new Set([index]) });
      }
    }

    const rejected = new Map<number, string>();
    const failures: OtelgateError[] = [];
    const sends: Promise<void>[] = [];
    for (const [tenant, group] of byTenant) {
      const shards: [string, Outgoing][][] = Array.from({ length: this.config.shards }, () => []);
      for (const entry of group.series) {
        const ts = entry[1].series;
        if (ts.samples.length > 1) ts.samples.sort((a, b) => a.timestampMs - b.timestampMs);
        if (ts.histograms.length > 1) ts.histograms.sort((a, b) => a.timestampMs - b.timestampMs);
        shards[hash(entry[0]) % shards.length].push(entry);
      }
      const metadata = this.config.sendMetadata ? [...group.metadata.values()] : [];
      for (const shard of shards) {
        if (shard.length === 0) continue;
        sends.push(
          this.sendShard(tenant, shard, metadata).then(
            (reasons) => {
              for (const [index, reason] of reasons) if (!rejected.has(index)) rejected.set(index, reason);
            },
            (error: unknown) => {
              failures.push(
                error instanceof OtelgateError
                  ? error
                  : new OtelgateError('retryable', String(error), { cause: error }),
              );
            },
          ),
        );
      }
    }
    await Promise.all(sends);
    if (failures.length > 0) {
      // Samples are idempotent and delta state ignores replays: the whole batch is retried.
      throw failures[0];
    }
    return { rejected: [...rejected].map(([index, reason]) => ({ index, reason })) };
  }

  private async sendShard(
    tenant: string,
    shard: [string, Outgoing][],
    metadata: MetricMetadata[],
  ): Promise<Map<number, string>> {
    const reasons = new Map<number, string>();
    const size = this.config.maxSeriesPerRequest;
    for (let start = 0; start < shard.length; start += size) {
      const chunk = shard.slice(start, start + size);
      const body = encodeWriteRequest(
        chunk.map(([, o]) => o.series),
        start === 0 ? metadata : [],
      );
      const outcome = await sendWriteRequest(this.config, body, tenant || undefined, this.metrics);
      if (!outcome.ok) {
        this.logger.warn(
          { tenant, reason: outcome.reason },
          'remote write refused a request; its items go to the dead-letter path',
        );
        for (const [, o] of chunk) for (const index of o.owners) reasons.set(index, outcome.reason);
      }
    }
    return reasons;
  }

  async shutdown(): Promise<void> {}
}
