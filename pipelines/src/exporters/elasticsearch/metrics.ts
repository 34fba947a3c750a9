// The elasticsearch exporter's own metrics, declared on the meter its factory context gives it.
// Known label sets start at 0 so rate(), increase() and absent() work before the first bulk.
import type { Counter, Meter } from '@opentelemetry/api';

export const DOCUMENT_OUTCOMES = ['created', 'duplicate', 'retried', 'rejected'] as const;
export const BULK_OUTCOMES = ['ok', 'failed'] as const;

export interface ElasticsearchMetrics {
  documents: Counter;
  bulkRequests: Counter;
  indicesDeleted: Counter;
}

export function declareElasticsearchMetrics(meter: Meter): ElasticsearchMetrics {
  const metrics: ElasticsearchMetrics = {
    documents: meter.createCounter('otelgate_elasticsearch_documents', {
      description:
        'Bulk item results by outcome: created, duplicate (409 on create: already delivered), retried, rejected',
    }),
    bulkRequests: meter.createCounter('otelgate_elasticsearch_bulk_requests', {
      description: 'Bulk requests by outcome: ok, failed (whole request)',
    }),
    indicesDeleted: meter.createCounter('otelgate_elasticsearch_indices_deleted', {
      description: 'Indices the retention job deleted',
    }),
  };
  for (const outcome of DOCUMENT_OUTCOMES) metrics.documents.add(0, { outcome });
  for (const outcome of BULK_OUTCOMES) metrics.bulkRequests.add(0, { outcome });
  metrics.indicesDeleted.add(0);
  return metrics;
}
