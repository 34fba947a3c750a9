// The buffer contract shared by the embedded log and Kafka. Keep it small:
// append, consume from a position, commit.
import type { Signal } from '../model/common.ts';

/** Header names carried with every buffered record (Kafka headers, embedded-log headers). */
export const BufferHeader = {
  tenant: 'otelgate-tenant',
  contentType: 'content-type',
  /** The client address ingest saw (after trusted-proxy handling), for geoip on browser data. */
  peerAddress: 'otelgate-peer-address',
} as const;

/** Content type of every buffered value: one OTLP Export*ServiceRequest in protobuf. */
export const OTLP_PROTO_CONTENT_TYPE = 'application/x-protobuf';

export interface BufferEntry {
  /** Partition key: trace id for spans, a resource hash for metrics and logs. */
  key?: Uint8Array;
  /** One OTLP Export*ServiceRequest, protobuf-encoded. */
  value: Uint8Array;
  headers: Record<string, string>;
}

export interface BufferRecord extends BufferEntry {
  signal: Signal;
  partition: number;
  offset: bigint;
  /** Append time, ms since the epoch. */
  timestamp: number;
}

export interface BufferProducer {
  /**
   * Resolves only once every entry is durable (embedded: fsynced; Kafka: acks=all).
   * Rejects with an OtelgateError: `unavailable` or `resource-exhausted` (retryable),
   * `payload-too-large` for an entry that can never fit.
   */
  append(signal: Signal, entries: BufferEntry[]): Promise<void>;
  /** False while appends would fail (disk full, broker unreachable). Feeds /readyz. */
  isWritable(): boolean;
  /**
   * For a buffer that partitions by key (Kafka): the partition an entry with `key` goes to, so
   * ingest can group a request's traces per partition instead of one entry per trace.
   */
  partitionerFor?(signal: Signal): ((key: Uint8Array) => number) | undefined;
  close(): Promise<void>;
}

export interface ConsumedBatch {
  readonly signal: Signal;
  readonly partition: number;
  /** In offset order; never overlaps the previous batch of the same partition. */
  readonly records: readonly BufferRecord[];
}

/**
 * Resolving means every record of the batch is settled (delivered, or dead-lettered):
 * the consumer then commits past the batch's last offset. Rejecting means "not now":
 * nothing is committed and the same records are handed over again after a backoff.
 */
export type BatchHandler = (batch: ConsumedBatch) => Promise<void>;

export interface PartitionLag {
  signal: Signal;
  partition: number;
  committedOffset: bigint;
  /** Records appended but not yet committed. */
  lag: bigint;
}

export interface BufferConsumer {
  /**
   * Hands batches to `handler` until `abort` fires, then returns after the batches in
   * hand have settled and their commits are written. Batches of one partition are
   * handed over one at a time, in order.
   */
  run(handler: BatchHandler, abort: AbortSignal): Promise<void>;
  lag(): Promise<PartitionLag[]>;
  close(): Promise<void>;
}

/** Where records that can never be delivered go, with why (DESIGN.md: dead letters are data). */
export interface DeadLetterSink {
  write(record: BufferRecord, reason: DeadLetterReason): Promise<void>;
}

export interface DeadLetterReason {
  /** decode | processor name | exporter name */
  stage: string;
  reason: string;
}
