// The spanmetrics processor's own metrics (the lead registers the global MeterProvider).
import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('otelgate');

export const spanmetricsMetrics = {
  overflow: meter.createCounter('otelgate_processor_spanmetrics_overflow_spans', {
    description: 'Spans counted into the overflow series because their tenant reached the series cap',
  }),
  series: meter.createUpDownCounter('otelgate_processor_spanmetrics_series', {
    description: 'Series the spanmetrics processor keeps, over all tenants',
  }),
};
