// Gauges, and cumulative non-monotonic sums (an up-down counter's current value): one sample per point.
import { metricName } from '../naming.ts';
import { MetricType } from '../write-request.ts';
import { exemplarsOf, type MetricScope } from './metric-scope.ts';

export function translateGauge(scope: MetricScope): void {
  const { metric, sink } = scope;
  const points = metric.gauge?.dataPoints ?? metric.sum?.dataPoints ?? [];
  const name = metricName(metric.name, metric.unit, 'gauge', scope.options.addMetricSuffixes);
  sink.describe(name, { type: MetricType.GAUGE, help: metric.description, unit: metric.unit });
  for (const p of points) {
    if (!scope.usable(p)) continue;
    const t = scope.seen(p.timeUnixNano);
    const sample = { value: p.asDouble ?? Number(p.asInt ?? 0n), timestampMs: t };
    sink.add(scope.pointLabels(p.attributes), name, undefined, sample, exemplarsOf(p.exemplars));
  }
}
