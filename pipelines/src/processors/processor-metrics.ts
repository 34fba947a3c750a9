// Instruments every processor shares (`otelgate_processor_records_processed`,
// `otelgate_processor_truncated_values`), declared on the meter of the processor's context.
// Known label sets are added with 0 so rate() and absent() work before the first record.
import type { Counter, Meter } from '@opentelemetry/api';
import type { Signal } from '@otelgate/pipelines/model/common.ts';

export interface ProcessorMetrics {
  recordsProcessed: Counter;
  truncated: Counter;
}

export function declareProcessorMetrics(
  meter: Meter,
  processor: string,
  signals: readonly Signal[],
  truncateReasons: readonly string[],
): ProcessorMetrics {
  const recordsProcessed = meter.createCounter('otelgate_processor_records_processed', {
    description: 'Records (spans, log records, metric resources) a processor handled',
  });
  const truncated = meter.createCounter('otelgate_processor_truncated_values', {
    description: 'Values a processor truncated or did not read because they passed a configured limit',
  });
  for (const signal of signals) recordsProcessed.add(0, { processor, signal });
  for (const reason of truncateReasons) truncated.add(0, { processor, reason });
  return { recordsProcessed, truncated };
}
