// Exponential histograms as native histograms (one series per point set, no `_bucket` series).
import type { Metric } from '@otelgate/pipelines/model/metrics.ts';
import { metricName } from '../naming.ts';
import { MetricType } from '../write-request.ts';
import { DELTA, exemplarsOf, type MetricScope } from './metric-scope.ts';
import { cumulativeNative, nativeHistogram } from './native-histogram.ts';

export function translateExponentialHistogram(
  scope: MetricScope,
  h: NonNullable<Metric['exponentialHistogram']>,
): void {
  const { metric, sink } = scope;
  const name = metricName(metric.name, metric.unit, 'histogram', scope.options.addMetricSuffixes);
  sink.describe(name, { type: MetricType.HISTOGRAM, help: metric.description, unit: metric.unit });
  for (const p of h.dataPoints) {
    if (!scope.usable(p, h.aggregationTemporality)) continue;
    if (p.scale < -4) {
      sink.drop('exponential_scale_below_-4');
      continue;
    }
    const t = scope.seen(p.timeUnixNano);
    const native =
      h.aggregationTemporality === DELTA
        ? cumulativeNative(scope.deltas, scope.seriesIdentity(p.attributes), p, t)
        : nativeHistogram(p, t);
    sink.add(scope.pointLabels(p.attributes), name, undefined, undefined, exemplarsOf(p.exemplars), native);
  }
}
