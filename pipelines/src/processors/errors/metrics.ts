// The errors processor's own metrics (the lead registers the global MeterProvider).
import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('otelgate');

export const errorsMetrics = {
  recordsProcessed: meter.createCounter('otelgate_processor_records_processed', {
    description: 'Records (spans, log records, metric resources) a processor handled',
  }),
  errorsTagged: meter.createCounter('otelgate_processor_errors_tagged', {
    description: 'Spans and log records the errors processor tagged, by category',
  }),
  truncated: meter.createCounter('otelgate_processor_truncated_values', {
    description: 'Values a processor truncated or did not read because they passed a configured limit',
  }),
};
