// OTLP metrics to remote-write time series, per the OpenTelemetry specification's
// Prometheus compatibility section: one translation per metric type (translate/*.ts), all
// feeding one series sink, where points of one series within a batch merge into one TimeSeries
// (samples sorted by time). Untranslatable points are counted by reason.
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import type { DeltaToCumulative } from './delta-to-cumulative.ts';
import { anyValueToString, resourceLabels } from './resource-labels.ts';
import { translateExponentialHistogram } from './translate/exponential-histogram.ts';
import { translateGauge } from './translate/gauge.ts';
import { translateHistogram } from './translate/histogram.ts';
import { CUMULATIVE, MetricScope, type TranslateOptions } from './translate/metric-scope.ts';
import { SeriesSink, type Translation } from './translate/series-sink.ts';
import { translateSum } from './translate/sum.ts';
import { translateSummary } from './translate/summary.ts';
import { MetricType } from './write-request.ts';

export type { TranslateOptions } from './translate/metric-scope.ts';
export { formatFloat } from './translate/metric-scope.ts';
export { seriesKey, type Translation } from './translate/series-sink.ts';

export function translateMetrics(data: MetricsData, options: TranslateOptions, deltas: DeltaToCumulative): Translation {
  const sink = new SeriesSink();
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
        const scope = new MetricScope(metric, scopeBase, options, deltas, sink);
        translateMetric(scope);
        latestMs = Math.max(latestMs, scope.latestMs);
      }
    }
    if (options.targetInfo && resource.targetInfo && latestMs > 0) {
      sink.add(resource.targetInfo, 'target_info', undefined, { value: 1, timestampMs: latestMs }, []);
      sink.describe('target_info', { type: MetricType.GAUGE, help: 'Target metadata', unit: '' });
    }
  }
  return sink.finish();
}

function translateMetric(scope: MetricScope): void {
  const { metric } = scope;
  if (metric.gauge || (metric.sum && !metric.sum.isMonotonic && metric.sum.aggregationTemporality === CUMULATIVE))
    translateGauge(scope);
  else if (metric.sum) translateSum(scope, metric.sum);
  else if (metric.histogram) translateHistogram(scope, metric.histogram);
  else if (metric.exponentialHistogram) translateExponentialHistogram(scope, metric.exponentialHistogram);
  else if (metric.summary) translateSummary(scope, metric.summary);
  else scope.sink.drop('empty_metric');
}

/** Every resource attribute: which sender a delta point came from (its replay guard's key). */
function sourceOf(attributes: KeyValue[]): string {
  let key = '';
  for (const kv of attributes) key += `${kv.key}\u0000${anyValueToString(kv.value)}\u0001`;
  return key;
}
