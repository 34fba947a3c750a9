// The spanmetrics processor's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter, UpDownCounter } from '@opentelemetry/api';

export interface SpanmetricsMetrics {
  overflow: Counter;
  series: UpDownCounter;
}

export function declareSpanmetricsMetrics(meter: Meter): SpanmetricsMetrics {
  const metrics = {
    overflow: meter.createCounter('otelgate_processor_spanmetrics_overflow_spans', {
      description: 'Spans counted into the overflow series because their tenant reached the series cap',
    }),
    series: meter.createUpDownCounter('otelgate_processor_spanmetrics_series', {
      description: 'Series the spanmetrics processor keeps, over all tenants',
    }),
  };
  metrics.overflow.add(0);
  metrics.series.add(0);
  return metrics;
}
