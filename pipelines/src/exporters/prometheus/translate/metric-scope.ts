// What every metric type's translation needs about the metric at hand: its point labels (resource
// and scope labels win over point attributes of the same name), its series identity for delta
// accumulation, the shared checks on a point, and the newest timestamp seen (for target_info).
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { Exemplar as OtlpExemplar, Metric } from '@otelgate/pipelines/model/metrics.ts';
import type { DeltaToCumulative } from '../delta-to-cumulative.ts';
import { addAttributeLabels } from '../resource-labels.ts';
import type { Exemplar, Label } from '../write-request.ts';
import { type SeriesSink, seriesKey } from './series-sink.ts';

export interface TranslateOptions {
  addMetricSuffixes: boolean;
  promoteResourceAttributes: ReadonlySet<string>;
  targetInfo: boolean;
  scopeLabels: boolean;
}

export const DELTA = 1;
export const CUMULATIVE = 2;
const NO_RECORDED_VALUE = 1;

export class MetricScope {
  readonly metric: Metric;
  readonly options: TranslateOptions;
  readonly deltas: DeltaToCumulative;
  readonly sink: SeriesSink;
  private readonly scopeBase: Map<string, string>;
  /** Newest point timestamp seen in the resource, ms. */
  latestMs = 0;

  constructor(
    metric: Metric,
    scopeBase: Map<string, string>,
    options: TranslateOptions,
    deltas: DeltaToCumulative,
    sink: SeriesSink,
  ) {
    this.metric = metric;
    this.scopeBase = scopeBase;
    this.options = options;
    this.deltas = deltas;
    this.sink = sink;
  }

  pointLabels(attributes: KeyValue[]): Map<string, string> {
    const labels = new Map<string, string>();
    addAttributeLabels(labels, attributes);
    // Resource and scope labels win over point attributes of the same name.
    for (const [n, v] of this.scopeBase) labels.set(n, v);
    return labels;
  }

  /** The series a delta point adds to (its running total's key). */
  seriesIdentity(attributes: KeyValue[]): string {
    const labels = [...this.pointLabels(attributes)].map(([name, value]) => ({ name, value }));
    return `${this.metric.name}\u0002${seriesKey(labels)}`;
  }

  /**
   * Counts the point and checks what every type checks (a recorded value; for histograms, a
   * known temporality); false when it is dropped. Otherwise notes its time and returns true.
   */
  usable(point: { flags: number; timeUnixNano: bigint }, temporality?: number): boolean {
    this.sink.out.points++;
    if (point.flags & NO_RECORDED_VALUE) {
      this.sink.drop('no_recorded_value');
      return false;
    }
    if (temporality !== undefined && temporality !== CUMULATIVE && temporality !== DELTA) {
      this.sink.drop('unspecified_temporality');
      return false;
    }
    return true;
  }

  /** The point's time in ms, noted as seen. */
  seen(timeUnixNano: bigint): number {
    const t = ms(timeUnixNano);
    this.latestMs = Math.max(this.latestMs, t);
    return t;
  }
}

export function ms(nanos: bigint): number {
  return Number(nanos / 1_000_000n);
}

export function exemplarsOf(exemplars: OtlpExemplar[]): Exemplar[] {
  if (exemplars.length === 0) return [];
  return exemplars.map((e) => {
    // Prometheus caps an exemplar's labels at 128 UTF-8 characters: ids only.
    const labels: Label[] = [];
    if (e.spanId) labels.push({ name: 'span_id', value: e.spanId });
    if (e.traceId) labels.push({ name: 'trace_id', value: e.traceId });
    return { labels, value: e.asDouble ?? Number(e.asInt ?? 0n), timestampMs: ms(e.timeUnixNano) };
  });
}

/** Float formatting for `le` / `quantile` labels, as Go's strconv.FormatFloat(f, 'f', -1, 64) prints them. */
export function formatFloat(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(n)) return 'NaN';
  const s = String(n);
  return s.includes('e') ? n.toFixed(20).replace(/\.?0+$/, '') : s;
}
