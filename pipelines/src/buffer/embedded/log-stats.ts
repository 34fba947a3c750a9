// Counters kept as plain numbers; metrics.ts binds them to OpenTelemetry instruments.
import type { Signal } from '../../model/common.ts';

export type RefusalReason = 'disk-full' | 'io-error' | 'max-bytes' | 'too-large' | 'closed';

export interface EmbeddedLogCounters {
  /** Group commits: one write (+ one fdatasync with `fsync: always`) each. */
  groupCommits: number;
  fsyncs: number;
  /** Seconds spent in group commits (write + fdatasync), summed: divide by groupCommits for the mean. */
  commitSeconds: number;
  /** Seconds spent in fdatasync, summed. */
  fsyncSeconds: number;
  appendedRecords: number;
  appendedBytes: number;
  /** Failed group commits (write or fsync error); their callers were refused, nothing acknowledged. */
  commitFailures: number;
  refusedAppends: Record<RefusalReason, number>;
  /** Damaged tails cut off when a segment was opened after a crash. */
  tornTailTruncations: number;
  truncatedBytes: number;
  /** Offsets skipped by readers because the record holding them was damaged. */
  corruptRecordsSkipped: number;
  segmentsDeleted: number;
  deadLetters: number;
}

export function newCounters(): EmbeddedLogCounters {
  return {
    groupCommits: 0,
    fsyncs: 0,
    commitSeconds: 0,
    fsyncSeconds: 0,
    appendedRecords: 0,
    appendedBytes: 0,
    commitFailures: 0,
    refusedAppends: { 'disk-full': 0, 'io-error': 0, 'max-bytes': 0, 'too-large': 0, closed: 0 },
    tornTailTruncations: 0,
    truncatedBytes: 0,
    corruptRecordsSkipped: 0,
    segmentsDeleted: 0,
    deadLetters: 0,
  };
}

export interface PartitionStats {
  bytesOnDisk: number;
  segments: number;
  /** Oldest offset still on disk. */
  startOffset: bigint;
  /** Offset the next record gets: records held = endOffset - startOffset. */
  endOffset: bigint;
}

export interface EmbeddedLogStats extends EmbeddedLogCounters {
  signals: Record<Signal, PartitionStats>;
  deadLetter: PartitionStats;
  writable: boolean;
}
