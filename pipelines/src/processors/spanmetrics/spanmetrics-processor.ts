// RED metrics from spans: calls and a duration histogram by service, span name, kind,
// status (+ configured dimensions), cumulative, emitted every interval as metrics data the
// process loop routes to the metrics exporters. The emitted resource carries the spans'
// service.namespace, service.name and service.instance.id, so the Prometheus translation gives
// these series the same job and instance as the application's own metrics (they join).
import type {
  ComponentContext,
  Processor,
  RecordContext,
  SignalData,
} from '@otelgate/pipelines/components/component.ts';
import type { KeyValue, Signal } from '@otelgate/pipelines/model/common.ts';
import type { Exemplar, Metric } from '@otelgate/pipelines/model/metrics.ts';
import { type Span, StatusCode, type TracesData } from '@otelgate/pipelines/model/traces.ts';
import { type DerivedResourceMetrics, emitDerivedMetrics, groupBy, seriesOfTenant } from '../derived-metrics.ts';
import { REPEATED_KEY } from '../errors/trace-errors.ts';
import {
  findAttribute as find,
  resourceIdentity as identityOf,
  scalarString as valueString,
} from '../resource-identity.ts';
import type { SpanmetricsConfig } from './config.ts';
import type { SpanmetricsMetrics } from './metrics.ts';

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const OVERFLOW_KEY = '\u0000overflow';

interface Series {
  /** `resourceKey` of the identity below: series of one resource are emitted together. */
  resourceKey: string;
  resource: KeyValue[];
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  calls: bigint;
  count: bigint;
  sum: number;
  buckets: bigint[];
  exemplars: Exemplar[];
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

/**
 * The span's status code, except that a span the errors processor (run before this one) marked
 * as repeating an error recorded on another span of its trace counts as UNSET: one thrown error
 * is not an error on every wrapper span it passed through (processors/errors/trace-errors.ts).
 */
function statusOf(span: Span): number {
  if (span.status.code !== StatusCode.ERROR) return span.status.code;
  const repeated = find(span.attributes, REPEATED_KEY);
  return repeated && 'boolValue' in repeated && repeated.boolValue ? StatusCode.UNSET : StatusCode.ERROR;
}

export class SpanmetricsProcessor implements Processor {
  readonly name: string;
  readonly signals: readonly Signal[] = ['traces'];
  private readonly config: SpanmetricsConfig;
  private readonly context: ComponentContext;
  private readonly bounds: number[];
  private readonly tenants = new Map<string, Map<string, Series>>();
  private readonly timer: NodeJS.Timeout;

  private readonly metrics: SpanmetricsMetrics;

  constructor(name: string, config: SpanmetricsConfig, context: ComponentContext, metrics: SpanmetricsMetrics) {
    this.name = name;
    this.metrics = metrics;
    this.config = config;
    this.context = context;
    const scale = config.unit === 'ms' ? 1000 : 1;
    this.bounds = [...config.bucketsSeconds].sort((a, b) => a - b).map((b) => b * scale);
    this.timer = setInterval(() => this.flush(), config.intervalMs);
    this.timer.unref();
  }

  process<S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext): SignalData[S] {
    if (signal !== 'traces') return data;
    const tenantKey = ctx.tenant ?? '';
    const series = seriesOfTenant(this.tenants, tenantKey);
    const scale = this.config.unit === 'ms' ? 1e6 : 1e9;
    for (const rs of (data as TracesData).resourceSpans) {
      const service = valueString(find(rs.resource.attributes, 'service.name')) ?? 'unknown_service';
      const identity = identityOf(rs.resource.attributes, service);
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const attributes = [
            str('service.name', service),
            str('span.name', span.name),
            str('span.kind', KIND_NAMES[span.kind] ?? KIND_NAMES[0]),
            str('status.code', STATUS_NAMES[statusOf(span)] ?? STATUS_NAMES[0]),
          ];
          for (const d of this.config.dimensions) {
            const v =
              valueString(find(span.attributes, d.name)) ??
              valueString(find(rs.resource.attributes, d.name)) ??
              d.default;
            if (v !== undefined) attributes.push(str(d.name, v));
          }
          let key = tenantKey + identity.key;
          for (const a of attributes) key += `\u0001${(a.value as { stringValue: string }).stringValue}`;
          let s = series.get(key);
          if (!s) {
            if (series.size >= this.config.maxSeriesPerTenant) {
              this.metrics.overflow.add(1);
              key = OVERFLOW_KEY + identity.key;
              s = series.get(key);
              if (!s)
                s = this.newSeries(series, key, identity, [
                  str('service.name', service),
                  { key: 'otel.metric.overflow', value: { boolValue: true } },
                ]);
            } else s = this.newSeries(series, key, identity, attributes);
          }
          const duration = Number(span.endTimeUnixNano - span.startTimeUnixNano) / scale;
          const value = Math.max(duration, 0);
          s.calls++;
          s.count++;
          s.sum += value;
          let i = 0;
          while (i < this.bounds.length && value > this.bounds[i]) i++;
          s.buckets[i]++;
          if (this.config.exemplarsPerSeries > 0 && span.traceId) {
            if (s.exemplars.length >= this.config.exemplarsPerSeries) s.exemplars.shift();
            s.exemplars.push({
              filteredAttributes: [],
              timeUnixNano: span.endTimeUnixNano,
              asDouble: value,
              traceId: span.traceId,
              spanId: span.spanId,
            });
          }
        }
      }
    }
    return data;
  }

  private newSeries(
    series: Map<string, Series>,
    key: string,
    identity: { key: string; attributes: KeyValue[] },
    attributes: KeyValue[],
  ): Series {
    const s: Series = {
      resourceKey: identity.key,
      resource: identity.attributes,
      attributes,
      startTimeUnixNano: BigInt(Date.now()) * 1_000_000n,
      calls: 0n,
      count: 0n,
      sum: 0,
      buckets: new Array(this.bounds.length + 1).fill(0n),
      exemplars: [],
    };
    series.set(key, s);
    this.metrics.series.add(1);
    return s;
  }

  /** Emits the cumulative state of every tenant. */
  flush(): void {
    const now = BigInt(Date.now()) * 1_000_000n;
    for (const [tenant, series] of this.tenants) {
      if (series.size === 0) continue;
      const perResource: DerivedResourceMetrics[] = [];
      for (const list of groupBy(series.values(), (s) => s.resourceKey).values()) {
        const calls: Metric = {
          name: `${this.config.namespace}.calls`,
          description: 'Number of spans',
          unit: '{call}',
          metadata: [],
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: list.map((s) => ({
              attributes: s.attributes,
              startTimeUnixNano: s.startTimeUnixNano,
              timeUnixNano: now,
              asInt: s.calls,
              exemplars: [],
              flags: 0,
            })),
          },
        };
        const duration: Metric = {
          name: `${this.config.namespace}.duration`,
          description: 'Span duration',
          unit: this.config.unit,
          metadata: [],
          histogram: {
            aggregationTemporality: 2,
            dataPoints: list.map((s) => ({
              attributes: s.attributes,
              startTimeUnixNano: s.startTimeUnixNano,
              timeUnixNano: now,
              count: s.count,
              sum: s.sum,
              bucketCounts: [...s.buckets],
              explicitBounds: this.bounds,
              exemplars: s.exemplars.splice(0),
              flags: 0,
            })),
          },
        };
        perResource.push({ resource: list[0].resource, metrics: [calls, duration] });
      }
      emitDerivedMetrics(this.context, 'spanmetrics', tenant, perResource);
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
  }
}
