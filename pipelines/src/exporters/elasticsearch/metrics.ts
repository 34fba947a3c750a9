// The elasticsearch exporter's own metrics (the lead registers the global MeterProvider).
import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('otelgate');

export const elasticsearchMetrics = {
  documents: meter.createCounter('otelgate_elasticsearch_documents', {
    description:
      'Bulk item results by outcome: created, duplicate (409 on create: already delivered), retried, rejected',
  }),
  bulkRequests: meter.createCounter('otelgate_elasticsearch_bulk_requests', {
    description: 'Bulk requests by outcome: ok, failed (whole request), retried',
  }),
  indicesDeleted: meter.createCounter('otelgate_elasticsearch_indices_deleted', {
    description: 'Indices the retention job deleted',
  }),
};
