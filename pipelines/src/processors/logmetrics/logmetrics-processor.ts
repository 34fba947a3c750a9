// Counters and histograms derived from log records (the Collector's count connector, Vector's
// log_to_metric): cumulative per tenant, emitted every interval as metrics data the process loop
// routes to the metrics exporters, like spanmetrics. The emitted resource carries the logs'
// service.namespace, service.name and service.instance.id, so the series get the job and
// instance of the service that wrote the lines. Log records pass through unchanged.
import type {
  ComponentContext,
  Processor,
  RecordContext,
  SignalData,
} from '@otelgate/pipelines/components/component.ts';
import type { KeyValue, Signal } from '@otelgate/pipelines/model/common.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { Metric } from '@otelgate/pipelines/model/metrics.ts';
import { emitDerivedMetrics, groupBy, seriesOfTenant } from '../derived-metrics.ts';
import { type ResourceIdentity, resourceIdentity } from '../resource-identity.ts';
import { bucketsOf, type LogmetricsConfig } from './config.ts';
import { LogMetricRule } from './log-metric-rule.ts';
import type { DropReason, LogmetricsMetrics } from './metrics.ts';

const OVERFLOW_KEY = '\u0000overflow';

interface Series {
  rule: number;
  resourceKey: string;
  resource: KeyValue[];
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  count: bigint;
  sum: number;
  /** Histograms only. */
  buckets: bigint[];
}

export class LogmetricsProcessor implements Processor {
  readonly name: string;
  readonly signals: readonly Signal[] = ['logs'];
  private readonly config: LogmetricsConfig;
  private readonly context: ComponentContext;
  private readonly metrics: LogmetricsMetrics;
  private readonly rules: LogMetricRule[];
  private readonly bounds: number[][];
  private readonly tenants = new Map<string, Map<string, Series>>();
  /** Drop reasons already logged this interval (one line per metric and reason per interval). */
  private readonly logged = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(name: string, config: LogmetricsConfig, context: ComponentContext, metrics: LogmetricsMetrics) {
    this.name = name;
    this.config = config;
    this.context = context;
    this.metrics = metrics;
    this.rules = config.metrics.map((m) => new LogMetricRule(m, config));
    this.bounds = config.metrics.map((m) => (m.type === 'histogram' ? bucketsOf(m) : []));
    this.timer = setInterval(() => this.flush(), config.intervalMs);
    this.timer.unref();
  }

  process<S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext): SignalData[S] {
    if (signal !== 'logs') return data;
    const tenantKey = ctx.tenant ?? '';
    const series = seriesOfTenant(this.tenants, tenantKey);
    for (const rl of (data as LogsData).resourceLogs) {
      let identity: ResourceIdentity | undefined;
      for (const sl of rl.scopeLogs) {
        for (const record of sl.logRecords) {
          for (let r = 0; r < this.rules.length; r++) {
            const outcome = this.rules[r].evaluate(record, rl.resource.attributes);
            if (outcome === undefined) continue;
            if (typeof outcome === 'string') {
              this.drop(r, outcome);
              continue;
            }
            identity ??= resourceIdentity(rl.resource.attributes);
            this.observe(series, tenantKey, identity, r, outcome.labels, outcome.value);
          }
        }
      }
    }
    return data;
  }

  private drop(rule: number, reason: DropReason): void {
    const metric = this.rules[rule].config.name;
    this.metrics.dropped.add(1, { metric, reason });
    const key = `${metric}\u0001${reason}`;
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.context.logger.warn({ metric, reason }, 'logmetrics: a matching log record could not be counted');
  }

  private observe(
    series: Map<string, Series>,
    tenantKey: string,
    identity: ResourceIdentity,
    rule: number,
    labels: KeyValue[],
    value: number,
  ): void {
    let key = `${tenantKey}${identity.key}\u0003${rule}`;
    for (const l of labels) key += `\u0001${l.key}=${(l.value as { stringValue: string }).stringValue}`;
    let s = series.get(key);
    if (!s) {
      if (series.size >= this.config.maxSeriesPerTenant) {
        this.metrics.overflow.add(1, { metric: this.rules[rule].config.name });
        key = `${OVERFLOW_KEY}${identity.key}\u0003${rule}`;
        s =
          series.get(key) ??
          this.newSeries(series, key, identity, rule, [{ key: 'otel.metric.overflow', value: { boolValue: true } }]);
      } else s = this.newSeries(series, key, identity, rule, labels);
    }
    s.count++;
    s.sum += value;
    const bounds = this.bounds[rule];
    if (bounds.length > 0) {
      let i = 0;
      while (i < bounds.length && value > bounds[i]) i++;
      s.buckets[i]++;
    }
  }

  private newSeries(
    series: Map<string, Series>,
    key: string,
    identity: ResourceIdentity,
    rule: number,
    attributes: KeyValue[],
  ): Series {
    const bounds = this.bounds[rule];
    const s: Series = {
      rule,
      resourceKey: identity.key,
      resource: identity.attributes,
      attributes,
      startTimeUnixNano: BigInt(Date.now()) * 1_000_000n,
      count: 0n,
      sum: 0,
      buckets: bounds.length > 0 ? new Array(bounds.length + 1).fill(0n) : [],
    };
    series.set(key, s);
    this.metrics.series.add(1);
    return s;
  }

  private metricOf(rule: number, list: Series[], now: bigint): Metric {
    const config = this.rules[rule].config;
    const base = { name: config.name, description: config.description, unit: config.unit, metadata: [] };
    if (config.type === 'counter') {
      return {
        ...base,
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: list.map((s) => ({
            attributes: s.attributes,
            startTimeUnixNano: s.startTimeUnixNano,
            timeUnixNano: now,
            asDouble: s.sum,
            exemplars: [],
            flags: 0,
          })),
        },
      };
    }
    return {
      ...base,
      histogram: {
        aggregationTemporality: 2,
        dataPoints: list.map((s) => ({
          attributes: s.attributes,
          startTimeUnixNano: s.startTimeUnixNano,
          timeUnixNano: now,
          count: s.count,
          sum: s.sum,
          bucketCounts: [...s.buckets],
          explicitBounds: this.bounds[rule],
          exemplars: [],
          flags: 0,
        })),
      },
    };
  }

  /** Emits the cumulative state of every tenant. */
  flush(): void {
    this.logged.clear();
    const now = BigInt(Date.now()) * 1_000_000n;
    for (const [tenant, series] of this.tenants) {
      if (series.size === 0) continue;
      const perResource = [...groupBy(series.values(), (s) => s.resourceKey).values()].map((list) => ({
        resource: list[0].resource,
        metrics: [...groupBy(list, (s) => s.rule)].map(([rule, ofRule]) => this.metricOf(rule, ofRule, now)),
      }));
      emitDerivedMetrics(this.context, 'logmetrics', tenant, perResource);
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
  }
}
