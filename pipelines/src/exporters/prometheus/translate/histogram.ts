// Explicit-bucket histograms: `_bucket` series with cumulative `le` counts (each exemplar on the
// bucket its value falls in), `_sum` and `_count`; a delta point is added to its running total.
import type { HistogramDataPoint, Metric } from '@otelgate/pipelines/model/metrics.ts';
import { metricName } from '../naming.ts';
import { MetricType } from '../write-request.ts';
import { DELTA, exemplarsOf, formatFloat, type MetricScope, ms } from './metric-scope.ts';

export function translateHistogram(scope: MetricScope, h: NonNullable<Metric['histogram']>): void {
  const { metric, sink } = scope;
  const base = metricName(metric.name, metric.unit, 'histogram', scope.options.addMetricSuffixes);
  sink.describe(base, { type: MetricType.HISTOGRAM, help: metric.description, unit: metric.unit });
  for (const p of h.dataPoints) {
    if (!scope.usable(p, h.aggregationTemporality)) continue;
    if (p.bucketCounts.length > 0 && p.bucketCounts.length !== p.explicitBounds.length + 1) {
      sink.drop('malformed_histogram');
      continue;
    }
    addPoint(scope, p, h.aggregationTemporality === DELTA, base, scope.seen(p.timeUnixNano));
  }
}

function addPoint(scope: MetricScope, p: HistogramDataPoint, isDelta: boolean, base: string, pointMs: number): void {
  const { sink } = scope;
  const labels = scope.pointLabels(p.attributes);
  let t = pointMs;
  let count = Number(p.count);
  let sum = p.sum;
  let buckets = p.bucketCounts.map(Number);
  if (isDelta) {
    const state = scope.deltas.addHistogram(
      scope.seriesIdentity(p.attributes),
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
    const inBucket =
      exemplars.length === 0
        ? exemplars
        : exemplars.filter((e) => e.value <= bound && (i === 0 || e.value > p.explicitBounds[i - 1]));
    sink.add(labels, `${base}_bucket`, ['le', formatFloat(bound)], { value: cumulative, timestampMs: t }, inBucket);
  }
  const last = p.explicitBounds.length > 0 ? p.explicitBounds[p.explicitBounds.length - 1] : Number.NEGATIVE_INFINITY;
  const overflow = exemplars.length === 0 ? exemplars : exemplars.filter((e) => e.value > last);
  sink.add(labels, `${base}_bucket`, ['le', '+Inf'], { value: count, timestampMs: t }, overflow);
  if (sum !== undefined) sink.add(labels, `${base}_sum`, undefined, { value: sum, timestampMs: t }, []);
  sink.add(labels, `${base}_count`, undefined, { value: count, timestampMs: t }, []);
}
