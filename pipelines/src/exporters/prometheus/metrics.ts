// The prometheus exporter's own metrics, declared on the meter its factory context gives it.
// Known label sets start at 0 so rate(), increase() and absent() work before the first request.
import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';

/** The reasons translate.ts drops points for (`drop('...')` there); keep the two in step. */
export const POINT_DROP_REASONS = [
  'no_recorded_value',
  'unspecified_temporality',
  'malformed_histogram',
  'exponential_scale_below_-4',
  'empty_metric',
] as const;

export const REQUEST_OUTCOMES = ['sent', 'retried', 'rejected', 'failed'] as const;

export interface PrometheusMetrics {
  pointsDropped: Counter;
  /** By tenant; a tenant's series starts at 0 when the cap first sees the tenant. */
  seriesCapped: Counter;
  requests: Counter;
  requestBytes: Histogram;
  activeSeries: UpDownCounter;
}

export function declarePrometheusMetrics(meter: Meter): PrometheusMetrics {
  const metrics: PrometheusMetrics = {
    pointsDropped: meter.createCounter('otelgate_prometheus_points_dropped', {
      description: 'OTLP data points the prometheus exporter could not translate, by reason',
    }),
    seriesCapped: meter.createCounter('otelgate_prometheus_series_capped', {
      description: 'Series dropped because the tenant reached its series cardinality cap',
    }),
    requests: meter.createCounter('otelgate_prometheus_requests', {
      description: 'Remote-write requests by outcome: sent, retried, rejected, failed',
    }),
    requestBytes: meter.createHistogram('otelgate_prometheus_request_bytes', {
      description: 'Compressed remote-write request size',
      unit: 'By',
    }),
    activeSeries: meter.createUpDownCounter('otelgate_prometheus_tracked_series', {
      description: 'Series the cardinality cap currently tracks, over all tenants',
    }),
  };
  for (const reason of POINT_DROP_REASONS) metrics.pointsDropped.add(0, { reason });
  for (const outcome of REQUEST_OUTCOMES) metrics.requests.add(0, { outcome });
  metrics.activeSeries.add(0);
  return metrics;
}
