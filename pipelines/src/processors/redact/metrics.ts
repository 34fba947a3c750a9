// The redact processor's own metrics (the lead registers the global MeterProvider).
import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('otelgate');

export const redactMetrics = {
  recordsProcessed: meter.createCounter('otelgate_processor_records_processed', {
    description: 'Records (spans, log records, metric resources) a processor handled',
  }),
  redactedValues: meter.createCounter('otelgate_processor_redacted_values', {
    description: 'Values the redact processor masked, hashed or dropped, by kind',
  }),
  truncated: meter.createCounter('otelgate_processor_truncated_values', {
    description: 'Values a processor truncated or did not read because they passed a configured limit',
  }),
};
