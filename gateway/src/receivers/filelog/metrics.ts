// The filelog receiver's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter, ObservableGauge } from '@opentelemetry/api';

export interface FilelogMetrics {
  files: ObservableGauge;
  truncatedRecords: Counter;
  malformedLines: Counter;
  invalidUtf8Records: Counter;
  rotations: Counter;
  appendRetries: Counter;
  droppedRecords: Counter;
}

export function declareFilelogMetrics(meter: Meter, openFiles: () => number): FilelogMetrics {
  const files = meter.createObservableGauge('otelgate_filelog_files', {
    description: 'Files the filelog receiver is following (open), including rotated files it is finishing.',
  });
  files.addCallback((result) => result.observe(openFiles()));
  const rotations = meter.createCounter('otelgate_filelog_rotations', {
    description:
      'Rotations seen, by kind: rename (moved away or deleted; finished from the open file), truncate (copytruncate).',
  });
  for (const kind of ['rename', 'truncate']) rotations.add(0, { kind });
  return {
    files,
    truncatedRecords: meter.createCounter('otelgate_filelog_truncated_records', {
      description: 'Records cut to receivers.filelog.maxLogSizeBytes (the rest of the line or record was discarded).',
    }),
    malformedLines: meter.createCounter('otelgate_filelog_malformed_lines', {
      description: 'Lines of a Docker or CRI file that were not in that format (sent as plain lines).',
    }),
    invalidUtf8Records: meter.createCounter('otelgate_filelog_invalid_utf8_records', {
      description: 'Records with invalid UTF-8, sent with each bad sequence replaced by U+FFFD.',
    }),
    rotations,
    appendRetries: meter.createCounter('otelgate_filelog_append_retries', {
      description: 'Buffer appends retried after a retryable refusal (buffer full or unavailable), by reason.',
    }),
    droppedRecords: meter.createCounter('otelgate_filelog_dropped_records', {
      description: 'Records the buffer refused for good (never expected; logged with the reason), by reason.',
    }),
  };
}
