// The geoip processor's own metrics (the lead registers the global MeterProvider).
import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('otelgate');

export const geoipMetrics = {
  recordsProcessed: meter.createCounter('otelgate_processor_records_processed', {
    description: 'Records (spans, log records, metric resources) a processor handled',
  }),
  lookups: meter.createCounter('otelgate_processor_geoip_lookups', {
    description: 'GeoIP lookups by result: hit, miss (not in the database), skipped (private or reserved), invalid',
  }),
  truncated: meter.createCounter('otelgate_processor_truncated_values', {
    description: 'Values a processor truncated or did not read because they passed a configured limit',
  }),
};
