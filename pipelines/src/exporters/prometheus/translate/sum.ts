// Sums: monotonic ones are counters; a delta sum is added to its series' running total (a
// non-monotonic delta sum, an up-down counter's changes, accumulates into a gauge).
import type { Metric } from '@otelgate/pipelines/model/metrics.ts';
import { metricName } from '../naming.ts';
import { MetricType } from '../write-request.ts';
import { CUMULATIVE, DELTA, exemplarsOf, type MetricScope, ms } from './metric-scope.ts';

export function translateSum(scope: MetricScope, sum: NonNullable<Metric['sum']>): void {
  const { metric, sink } = scope;
  if (sum.aggregationTemporality !== CUMULATIVE && sum.aggregationTemporality !== DELTA) {
    sink.drop('unspecified_temporality', sum.dataPoints.length);
    sink.out.points += sum.dataPoints.length;
    return;
  }
  const kind = sum.isMonotonic ? 'counter' : 'gauge';
  const name = metricName(metric.name, metric.unit, kind, scope.options.addMetricSuffixes);
  sink.describe(name, {
    type: sum.isMonotonic ? MetricType.COUNTER : MetricType.GAUGE,
    help: metric.description,
    unit: metric.unit,
  });
  for (const p of sum.dataPoints) {
    if (!scope.usable(p)) continue;
    let value = p.asDouble ?? Number(p.asInt ?? 0n);
    let t = scope.seen(p.timeUnixNano);
    if (sum.aggregationTemporality === DELTA) {
      // A total fed by several sources (browser sessions) is stamped with its newest point.
      const state = scope.deltas.addSum(scope.seriesIdentity(p.attributes), value, ms(p.startTimeUnixNano), t);
      value = state.total;
      t = state.lastMs;
    }
    sink.add(scope.pointLabels(p.attributes), name, undefined, { value, timestampMs: t }, exemplarsOf(p.exemplars));
  }
}
