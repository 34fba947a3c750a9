// OTLP metrics to remote-write time series, per the OpenTelemetry specification's
// Prometheus compatibility section. Points of one series within a batch merge into one
// TimeSeries (samples sorted by time). Untranslatable points are counted by reason.
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type {
  Exemplar as OtlpExemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  MetricsData,
} from '@otelgate/pipelines/model/metrics.ts';
import type { DeltaToCumulative } from './delta-to-cumulative.ts';
import { metricName } from './naming.ts';
import { addAttributeLabels, anyValueToString, resourceLabels } from './resource-labels.ts';
import {
  type Exemplar,
  type Label,
  type MetricMetadata,
  MetricType,
  type NativeHistogram,
  type TimeSeries,
} from './write-request.ts';

export interface TranslateOptions {
  addMetricSuffixes: boolean;
  promoteResourceAttributes: ReadonlySet<string>;
  targetInfo: boolean;
  scopeLabels: boolean;
}

export interface Translation {
  /** Keyed by the canonical label set. */
  series: Map<string, TimeSeries>;
  metadata: Map<string, MetricMetadata>;
  /** Points not translated, by reason. */
  dropped: Map<string, number>;
  points: number;
}

const DELTA = 1;
const CUMULATIVE = 2;
const NO_RECORDED_VALUE = 1;

function ms(nanos: bigint): number {
  return Number(nanos / 1_000_000n);
}

/** Float formatting for `le` / `quantile` labels, as Go's strconv.FormatFloat(f, 'f', -1, 64) prints them. */
export function formatFloat(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(n)) return 'NaN';
  const s = String(n);
  return s.includes('e') ? n.toFixed(20).replace(/\.?0+$/, '') : s;
}

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A copy of sorted `labels` with `label` in its place (replacing one of the same name). */
function insertSorted(labels: Label[], label: Label): Label[] {
  const out: Label[] = [];
  let placed = false;
  for (const l of labels) {
    if (!placed && l.name >= label.name) {
      out.push(label);
      placed = true;
      if (l.name === label.name) continue;
    }
    out.push(l);
  }
  if (!placed) out.push(label);
  return out;
}

/** Every resource attribute: which sender a delta point came from (its replay guard's key). */
function sourceOf(attributes: KeyValue[]): string {
  let key = '';
  for (const kv of attributes) key += `${kv.key}\u0000${anyValueToString(kv.value)}\u0001`;
  return key;
}

export function seriesKey(labels: Label[]): string {
  let key = '';
  for (const l of labels) key += `${l.name}\u0000${l.value}\u0001`;
  return key;
}

export function translateMetrics(data: MetricsData, options: TranslateOptions, deltas: DeltaToCumulative): Translation {
  const out: Translation = { series: new Map(), metadata: new Map(), dropped: new Map(), points: 0 };
  const drop = (reason: string, n = 1) => out.dropped.set(reason, (out.dropped.get(reason) ?? 0) + n);

  // Label maps are reused for every series of a point (each bucket, _sum, _count): sort once.
  const sortedBases = new WeakMap<Map<string, string>, Label[]>();
  const add = (
    base: Map<string, string>,
    name: string,
    extra: [string, string] | undefined,
    sample: { value: number; timestampMs: number } | undefined,
    exemplars: Exemplar[],
    histogram: NativeHistogram | undefined,
  ) => {
    let sorted = sortedBases.get(base);
    if (!sorted) {
      sorted = [];
      for (const [n, v] of base) sorted.push({ name: n, value: v });
      sorted.sort(byName);
      sortedBases.set(base, sorted);
    }
    const named = insertSorted(sorted, { name: '__name__', value: name });
    const labels = extra ? insertSorted(named, { name: extra[0], value: extra[1] }) : named;
    const key = seriesKey(labels);
    let ts = out.series.get(key);
    if (!ts) {
      ts = { labels, samples: [], exemplars: [], histograms: [] };
      out.series.set(key, ts);
    }
    if (sample) ts.samples.push(sample);
    if (histogram) ts.histograms.push(histogram);
    for (const e of exemplars) ts.exemplars.push(e);
  };

  for (const rm of data.resourceMetrics) {
    const resource = resourceLabels(rm.resource.attributes, options.promoteResourceAttributes);
    deltas.source = sourceOf(rm.resource.attributes);
    let latestMs = 0;
    for (const sm of rm.scopeMetrics) {
      const scopeBase = new Map(resource.common);
      if (options.scopeLabels && sm.scope.name) {
        scopeBase.set('otel_scope_name', sm.scope.name);
        if (sm.scope.version) scopeBase.set('otel_scope_version', sm.scope.version);
      }
      for (const metric of sm.metrics) {
        const pointLabels = (attributes: KeyValue[]) => {
          const labels = new Map<string, string>();
          addAttributeLabels(labels, attributes);
          // Resource and scope labels win over point attributes of the same name.
          for (const [n, v] of scopeBase) labels.set(n, v);
          return labels;
        };
        const seriesIdentity = (attributes: KeyValue[]) =>
          `${metric.name}\u0002${seriesKey([...pointLabels(attributes)].map(([name, value]) => ({ name, value })))}`;

        if (
          metric.gauge ||
          (metric.sum && !metric.sum.isMonotonic && metric.sum.aggregationTemporality === CUMULATIVE)
        ) {
          const points = metric.gauge?.dataPoints ?? metric.sum?.dataPoints ?? [];
          const name = metricName(metric.name, metric.unit, 'gauge', options.addMetricSuffixes);
          out.metadata.set(name, { type: MetricType.GAUGE, family: name, help: metric.description, unit: metric.unit });
          for (const p of points) {
            out.points++;
            if (p.flags & NO_RECORDED_VALUE) {
              drop('no_recorded_value');
              continue;
            }
            const t = ms(p.timeUnixNano);
            latestMs = Math.max(latestMs, t);
            add(
              pointLabels(p.attributes),
              name,
              undefined,
              { value: p.asDouble ?? Number(p.asInt ?? 0n), timestampMs: t },
              exemplarsOf(p.exemplars),
              undefined,
            );
          }
        } else if (metric.sum) {
          const sum = metric.sum;
          if (sum.aggregationTemporality !== CUMULATIVE && sum.aggregationTemporality !== DELTA) {
            drop('unspecified_temporality', sum.dataPoints.length);
            out.points += sum.dataPoints.length;
            continue;
          }
          // A non-monotonic delta sum (an up-down counter's changes) accumulates into a gauge.
          const kind = sum.isMonotonic ? 'counter' : 'gauge';
          const name = metricName(metric.name, metric.unit, kind, options.addMetricSuffixes);
          out.metadata.set(name, {
            type: sum.isMonotonic ? MetricType.COUNTER : MetricType.GAUGE,
            family: name,
            help: metric.description,
            unit: metric.unit,
          });
          for (const p of sum.dataPoints) {
            out.points++;
            if (p.flags & NO_RECORDED_VALUE) {
              drop('no_recorded_value');
              continue;
            }
            let value = p.asDouble ?? Number(p.asInt ?? 0n);
            let t = ms(p.timeUnixNano);
            latestMs = Math.max(latestMs, t);
            if (sum.aggregationTemporality === DELTA) {
              // A total fed by several sources (browser sessions) is stamped with its newest point.
              const state = deltas.addSum(seriesIdentity(p.attributes), value, ms(p.startTimeUnixNano), t);
              value = state.total;
              t = state.lastMs;
            }
            add(
              pointLabels(p.attributes),
              name,
              undefined,
              { value, timestampMs: t },
              exemplarsOf(p.exemplars),
              undefined,
            );
          }
        } else if (metric.histogram) {
          const h = metric.histogram;
          const base = metricName(metric.name, metric.unit, 'histogram', options.addMetricSuffixes);
          out.metadata.set(base, {
            type: MetricType.HISTOGRAM,
            family: base,
            help: metric.description,
            unit: metric.unit,
          });
          for (const p of h.dataPoints) {
            out.points++;
            if (p.flags & NO_RECORDED_VALUE) {
              drop('no_recorded_value');
              continue;
            }
            if (h.aggregationTemporality !== CUMULATIVE && h.aggregationTemporality !== DELTA) {
              drop('unspecified_temporality');
              continue;
            }
            if (p.bucketCounts.length > 0 && p.bucketCounts.length !== p.explicitBounds.length + 1) {
              drop('malformed_histogram');
              continue;
            }
            const t = ms(p.timeUnixNano);
            latestMs = Math.max(latestMs, t);
            addHistogram(p, h.aggregationTemporality === DELTA, base, t);
          }
        } else if (metric.exponentialHistogram) {
          const h = metric.exponentialHistogram;
          const name = metricName(metric.name, metric.unit, 'histogram', options.addMetricSuffixes);
          out.metadata.set(name, {
            type: MetricType.HISTOGRAM,
            family: name,
            help: metric.description,
            unit: metric.unit,
          });
          for (const p of h.dataPoints) {
            out.points++;
            if (p.flags & NO_RECORDED_VALUE) {
              drop('no_recorded_value');
              continue;
            }
            if (h.aggregationTemporality !== CUMULATIVE && h.aggregationTemporality !== DELTA) {
              drop('unspecified_temporality');
              continue;
            }
            if (p.scale < -4) {
              drop('exponential_scale_below_-4');
              continue;
            }
            const t = ms(p.timeUnixNano);
            latestMs = Math.max(latestMs, t);
            const native =
              h.aggregationTemporality === DELTA
                ? cumulativeNative(deltas, seriesIdentity(p.attributes), p, t)
                : nativeHistogram(p, t);
            add(pointLabels(p.attributes), name, undefined, undefined, exemplarsOf(p.exemplars), native);
          }
        } else if (metric.summary) {
          const base = metricName(metric.name, metric.unit, 'summary', options.addMetricSuffixes);
          out.metadata.set(base, {
            type: MetricType.SUMMARY,
            family: base,
            help: metric.description,
            unit: metric.unit,
          });
          for (const p of metric.summary.dataPoints) {
            out.points++;
            if (p.flags & NO_RECORDED_VALUE) {
              drop('no_recorded_value');
              continue;
            }
            const t = ms(p.timeUnixNano);
            latestMs = Math.max(latestMs, t);
            const labels = pointLabels(p.attributes);
            add(labels, `${base}_sum`, undefined, { value: p.sum, timestampMs: t }, [], undefined);
            add(labels, `${base}_count`, undefined, { value: Number(p.count), timestampMs: t }, [], undefined);
            for (const q of p.quantileValues) {
              add(
                labels,
                base,
                ['quantile', formatFloat(q.quantile)],
                { value: q.value, timestampMs: t },
                [],
                undefined,
              );
            }
          }
        } else {
          drop('empty_metric');
        }

        function addHistogram(p: HistogramDataPoint, isDelta: boolean, base: string, pointMs: number): void {
          const labels = pointLabels(p.attributes);
          let t = pointMs;
          let count = Number(p.count);
          let sum = p.sum;
          let buckets = p.bucketCounts.map(Number);
          if (isDelta) {
            const state = deltas.addHistogram(
              seriesIdentity(p.attributes),
              ms(p.startTimeUnixNano),
              t,
              count,
              sum ?? 0,
              p.explicitBounds,
              buckets,
            );
            count = state.count;
            sum = p.sum === undefined ? undefined : state.sum;
            buckets = state.buckets;
            t = state.lastMs;
          }
          let cumulative = 0;
          const exemplars = exemplarsOf(p.exemplars);
          for (let i = 0; i < p.explicitBounds.length && i < buckets.length; i++) {
            cumulative += buckets[i];
            const bound = p.explicitBounds[i];
            // Each exemplar goes on the bucket its value falls in.
            const inBucket =
              exemplars.length === 0
                ? exemplars
                : exemplars.filter((e) => e.value <= bound && (i === 0 || e.value > p.explicitBounds[i - 1]));
            add(
              labels,
              `${base}_bucket`,
              ['le', formatFloat(bound)],
              { value: cumulative, timestampMs: t },
              inBucket,
              undefined,
            );
          }
          const last =
            p.explicitBounds.length > 0 ? p.explicitBounds[p.explicitBounds.length - 1] : Number.NEGATIVE_INFINITY;
          add(
            labels,
            `${base}_bucket`,
            ['le', '+Inf'],
            { value: count, timestampMs: t },
            exemplars.length === 0 ? exemplars : exemplars.filter((e) => e.value > last),
            undefined,
          );
          if (sum !== undefined) add(labels, `${base}_sum`, undefined, { value: sum, timestampMs: t }, [], undefined);
          add(labels, `${base}_count`, undefined, { value: count, timestampMs: t }, [], undefined);
        }
      }
    }
    if (options.targetInfo && resource.targetInfo && latestMs > 0) {
      add(resource.targetInfo, 'target_info', undefined, { value: 1, timestampMs: latestMs }, [], undefined);
      out.metadata.set('target_info', {
        type: MetricType.GAUGE,
        family: 'target_info',
        help: 'Target metadata',
        unit: '',
      });
    }
  }
  for (const ts of out.series.values()) {
    if (ts.samples.length > 1) ts.samples.sort((a, b) => a.timestampMs - b.timestampMs);
    if (ts.histograms.length > 1) ts.histograms.sort((a, b) => a.timestampMs - b.timestampMs);
  }
  return out;
}

function exemplarsOf(exemplars: OtlpExemplar[]): Exemplar[] {
  if (exemplars.length === 0) return [];
  return exemplars.map((e) => {
    // Prometheus caps an exemplar's labels at 128 UTF-8 characters: ids only.
    const labels: Label[] = [];
    if (e.spanId) labels.push({ name: 'span_id', value: e.spanId });
    if (e.traceId) labels.push({ name: 'trace_id', value: e.traceId });
    return { labels, value: e.asDouble ?? Number(e.asInt ?? 0n), timestampMs: ms(e.timeUnixNano) };
  });
}

/** Merges buckets pairwise `by` times (scale - by). */
function downscale(offset: number, counts: number[], by: number): { offset: number; counts: number[] } {
  if (by <= 0 || counts.length === 0) return { offset, counts };
  const merged = new Map<number, number>();
  for (let i = 0; i < counts.length; i++) {
    const index = (offset + i) >> by;
    merged.set(index, (merged.get(index) ?? 0) + counts[i]);
  }
  const newOffset = offset >> by;
  const out: number[] = [];
  for (const [index, count] of merged) out[index - newOffset] = count;
  return { offset: newOffset, counts: Array.from(out, (c) => c ?? 0) };
}

function spansAndDeltas(
  offset: number,
  counts: number[],
): { spans: { offset: number; length: number }[]; deltas: number[] } {
  let first = 0;
  let last = counts.length - 1;
  while (first <= last && counts[first] === 0) first++;
  while (last >= first && counts[last] === 0) last--;
  if (first > last) return { spans: [], deltas: [] };
  const deltas: number[] = [];
  let previous = 0;
  for (let i = first; i <= last; i++) {
    deltas.push(counts[i] - previous);
    previous = counts[i];
  }
  // OTLP bucket i holds (base^i, base^(i+1)]; a Prometheus bucket index j holds (base^(j-1), base^j].
  return { spans: [{ offset: offset + first + 1, length: last - first + 1 }], deltas };
}

function denseBuckets(buckets: Map<number, number>): { offset: number; counts: number[] } {
  if (buckets.size === 0) return { offset: 0, counts: [] };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const index of buckets.keys()) {
    if (index < min) min = index;
    if (index > max) max = index;
  }
  const counts = new Array<number>(max - min + 1).fill(0);
  for (const [index, count] of buckets) counts[index - min] = count;
  return { offset: min, counts };
}

/** A delta exponential point added to its series' running total, as a native histogram. */
function cumulativeNative(
  deltas: DeltaToCumulative,
  key: string,
  p: ExponentialHistogramDataPoint,
  t: number,
): NativeHistogram {
  const state = deltas.addExponential(key, t, {
    scale: p.scale,
    count: Number(p.count),
    sum: p.sum ?? 0,
    zeroCount: Number(p.zeroCount),
    positive: { offset: p.positive.offset, counts: p.positive.bucketCounts.map(Number) },
    negative: { offset: p.negative.offset, counts: p.negative.bucketCounts.map(Number) },
  });
  const by = Math.max(0, state.scale - 8);
  const positive = denseBuckets(state.positive);
  const negative = denseBuckets(state.negative);
  const pos = downscale(positive.offset, positive.counts, by);
  const neg = downscale(negative.offset, negative.counts, by);
  const posSpans = spansAndDeltas(pos.offset, pos.counts);
  const negSpans = spansAndDeltas(neg.offset, neg.counts);
  return {
    count: state.count,
    sum: state.sum,
    schema: Math.min(state.scale, 8),
    zeroThreshold: p.zeroThreshold,
    zeroCount: state.zeroCount,
    negativeSpans: negSpans.spans,
    negativeDeltas: negSpans.deltas,
    positiveSpans: posSpans.spans,
    positiveDeltas: posSpans.deltas,
    resetHint: 0,
    timestampMs: state.lastMs,
  };
}

function nativeHistogram(p: ExponentialHistogramDataPoint, t: number): NativeHistogram {
  const by = Math.max(0, p.scale - 8);
  const positive = downscale(p.positive.offset, p.positive.bucketCounts.map(Number), by);
  const negative = downscale(p.negative.offset, p.negative.bucketCounts.map(Number), by);
  const pos = spansAndDeltas(positive.offset, positive.counts);
  const neg = spansAndDeltas(negative.offset, negative.counts);
  return {
    count: Number(p.count),
    sum: p.sum ?? 0,
    schema: Math.min(p.scale, 8),
    zeroThreshold: p.zeroThreshold,
    zeroCount: Number(p.zeroCount),
    negativeSpans: neg.spans,
    negativeDeltas: neg.deltas,
    positiveSpans: pos.spans,
    positiveDeltas: pos.deltas,
    resetHint: 0,
    timestampMs: t,
  };
}
