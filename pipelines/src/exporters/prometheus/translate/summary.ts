// Summaries: `_sum`, `_count` and one series per quantile.
import type { Metric } from '@otelgate/pipelines/model/metrics.ts';
import { metricName } from '../naming.ts';
import { MetricType } from '../write-request.ts';
import { formatFloat, type MetricScope } from './metric-scope.ts';

export function translateSummary(scope: MetricScope, summary: NonNullable<Metric['summary']>): void {
  const { metric, sink } = scope;
  const base = metricName(metric.name, metric.unit, 'summary', scope.options.addMetricSuffixes);
  sink.describe(base, { type: MetricType.SUMMARY, help: metric.description, unit: metric.unit });
  for (const p of summary.dataPoints) {
    if (!scope.usable(p)) continue;
    const t = scope.seen(p.timeUnixNano);
    const labels = scope.pointLabels(p.attributes);
    sink.add(labels, `${base}_sum`, undefined, { value: p.sum, timestampMs: t }, []);
    sink.add(labels, `${base}_count`, undefined, { value: Number(p.count), timestampMs: t }, []);
    for (const q of p.quantileValues) {
      sink.add(labels, base, ['quantile', formatFloat(q.quantile)], { value: q.value, timestampMs: t }, []);
    }
  }
}
