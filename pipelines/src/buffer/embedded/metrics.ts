// The embedded log's own metrics, read from its stats when /metrics is scraped (no work on the
// append path). Counters without `_total`: the Prometheus exporter adds it.
import type { Meter } from '@opentelemetry/api';
import type { EmbeddedLogStats } from './log-stats.ts';

/** Declares the `otelgate_buffer_*` instruments on `meter`; returns a function that removes them. */
export function registerEmbeddedLogMetrics(meter: Meter, stats: () => EmbeddedLogStats): () => void {
  const bytes = meter.createObservableGauge('otelgate_buffer_bytes', {
    description: 'Bytes the embedded log holds on disk, by signal (deadletter for the dead-letter log).',
    unit: 'By',
  });
  const records = meter.createObservableGauge('otelgate_buffer_records', {
    description: 'Records the embedded log holds (consumed or not, until retention deletes them), by signal.',
  });
  const writable = meter.createObservableGauge('otelgate_buffer_writable', {
    description: '1 while the embedded log accepts appends; 0 while the disk is full or failing.',
  });
  const commits = meter.createObservableCounter('otelgate_buffer_group_commits', {
    description: 'Group commits: one write and one fdatasync shared by every append that arrived meanwhile.',
  });
  const fsyncs = meter.createObservableCounter('otelgate_buffer_fsyncs', {
    description: 'fdatasync calls on segments.',
  });
  const commitSeconds = meter.createObservableCounter('otelgate_buffer_commit_seconds', {
    description: 'Time spent in group commits (write + fdatasync); over group_commits, the mean commit time.',
    unit: 's',
  });
  const fsyncSeconds = meter.createObservableCounter('otelgate_buffer_fsync_seconds', {
    description: 'Time spent in fdatasync; over fsyncs, the mean flush time of the disk.',
    unit: 's',
  });
  const appended = meter.createObservableCounter('otelgate_buffer_appended_records', {
    description: 'Records made durable in the embedded log.',
  });
  const appendedBytes = meter.createObservableCounter('otelgate_buffer_appended_bytes', {
    description: 'Bytes made durable in the embedded log.',
    unit: 'By',
  });
  const refused = meter.createObservableCounter('otelgate_buffer_refused_appends', {
    description: 'Appends refused, by reason: disk-full, io-error, max-bytes (backpressure), too-large, closed.',
  });
  const torn = meter.createObservableCounter('otelgate_buffer_torn_tail_truncations', {
    description: 'Damaged segment tails cut off on start (writes a crash interrupted; never acknowledged).',
  });
  const skipped = meter.createObservableCounter('otelgate_buffer_corrupt_records_skipped', {
    description: 'Offsets skipped by readers because committed data was damaged on disk (data lost).',
  });
  const deleted = meter.createObservableCounter('otelgate_buffer_segments_deleted', {
    description: 'Segments deleted by retention.',
  });
  const deadLetters = meter.createObservableCounter('otelgate_buffer_dead_letters', {
    description: 'Records written to the dead-letter log.',
  });

  const observables = [bytes, records, writable, commits, fsyncs, appended, appendedBytes, refused, torn, skipped];
  observables.push(deleted, deadLetters, commitSeconds, fsyncSeconds);
  const callback: Parameters<Meter['addBatchObservableCallback']>[0] = (result) => {
    const s = stats();
    for (const [signal, partition] of [...Object.entries(s.signals), ['deadletter', s.deadLetter] as const]) {
      result.observe(bytes, partition.bytesOnDisk, { signal });
      result.observe(records, Number(partition.endOffset - partition.startOffset), { signal });
    }
    result.observe(writable, s.writable ? 1 : 0);
    result.observe(commits, s.groupCommits);
    result.observe(fsyncs, s.fsyncs);
    result.observe(commitSeconds, s.commitSeconds);
    result.observe(fsyncSeconds, s.fsyncSeconds);
    result.observe(appended, s.appendedRecords);
    result.observe(appendedBytes, s.appendedBytes);
    for (const [reason, count] of Object.entries(s.refusedAppends)) result.observe(refused, count, { reason });
    result.observe(torn, s.tornTailTruncations);
    result.observe(skipped, s.corruptRecordsSkipped);
    result.observe(deleted, s.segmentsDeleted);
    result.observe(deadLetters, s.deadLetters);
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
