// The prometheus exporter's own metrics (the lead registers the global MeterProvider).
import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('otelgate');

export const prometheusMetrics = {
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
