// The logmetrics processor's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter, UpDownCounter } from '@opentelemetry/api';

export const DROP_REASONS = ['not_a_number', 'body_too_long'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface LogmetricsMetrics {
  /** Records counted into an overflow series because their tenant reached the series cap. */
  overflow: Counter;
  /** Records that matched a metric but could not be counted, by reason. */
  dropped: Counter;
  series: UpDownCounter;
}

export function declareLogmetricsMetrics(meter: Meter, metricNames: string[]): LogmetricsMetrics {
  const metrics = {
    overflow: meter.createCounter('otelgate_processor_logmetrics_overflow_records', {
      description: 'Log records counted into an overflow series because their tenant reached the series cap',
    }),
    dropped: meter.createCounter('otelgate_processor_logmetrics_dropped_records', {
      description: 'Log records a derived metric could not count, by metric and reason',
    }),
    series: meter.createUpDownCounter('otelgate_processor_logmetrics_series', {
      description: 'Series the logmetrics processor keeps, over all tenants',
    }),
  };
  for (const metric of metricNames) {
    metrics.overflow.add(0, { metric });
    for (const reason of DROP_REASONS) metrics.dropped.add(0, { metric, reason });
  }
  metrics.series.add(0);
  return metrics;
}
