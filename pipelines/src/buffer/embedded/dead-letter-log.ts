// Dead letters: records that can never be delivered, kept in their own log (`<dir>/deadletter/`)
// with headers saying why and where they came from. For `otelgate dlq list|replay` it supplies the
// storage primitives (scan, replay marks); dead-letters/dead-letter-replay.ts does the rest.
import { OtelgateError } from '../../errors/error-kinds.ts';
import type { Signal } from '../../model/common.ts';
import type { BufferEntry, BufferRecord, DeadLetterReason, DeadLetterSink } from '../buffer.ts';
import { type DeadLetterFilter, listDeadLetters } from '../dead-letters/dead-letter-replay.ts';
import {
  type DeadLetter,
  type DeadLetterStore,
  markedPositions,
  REPLAYED_HEADER,
  replayMark,
  type StoredDeadLetter,
} from '../dead-letters/dead-letter-store.ts';
import type { DiskGuard } from './disk-guard.ts';
import type { EmbeddedLogCounters } from './log-stats.ts';
import type { PartitionLog } from './partition-log.ts';
import { type DecodedRecord, prepareRecord } from './record-format.ts';

export const DeadLetterHeader = {
  reason: 'otelgate-dlq-reason',
  stage: 'otelgate-dlq-stage',
  signal: 'otelgate-dlq-signal',
  partition: 'otelgate-dlq-partition',
  offset: 'otelgate-dlq-offset',
  /** When the original record was appended (ms since the epoch). */
  timestamp: 'otelgate-dlq-timestamp',
} as const;

const DLQ_HEADERS = new Set<string>([...Object.values(DeadLetterHeader), REPLAYED_HEADER]);

export class DeadLetterLog implements DeadLetterSink, DeadLetterStore {
  readonly #log: PartitionLog;
  readonly #disk: DiskGuard;
  readonly #counters: EmbeddedLogCounters;

  constructor(log: PartitionLog, disk: DiskGuard, counters: EmbeddedLogCounters) {
    this.#log = log;
    this.#disk = disk;
    this.#counters = counters;
  }

  async write(record: BufferRecord, reason: DeadLetterReason): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name in record.headers) headers[name] = record.headers[name];
    headers[DeadLetterHeader.reason] = reason.reason;
    headers[DeadLetterHeader.stage] = reason.stage;
    headers[DeadLetterHeader.signal] = record.signal;
    headers[DeadLetterHeader.partition] = String(record.partition);
    headers[DeadLetterHeader.offset] = record.offset.toString();
    headers[DeadLetterHeader.timestamp] = String(record.timestamp);
    await this.#append({ key: record.key, value: record.value, headers }, 'dead-letter append');
    this.#counters.deadLetters++;
  }

  /** Dead letters not yet replayed, in order (`listDeadLetters` on this log). */
  list(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    return listDeadLetters(this, filter);
  }

  /** Every kept record up to the current end: letters and replay marks. */
  async *scan(): AsyncGenerator<StoredDeadLetter> {
    const end = this.#log.endOffset;
    let cursor = await this.#log.seek(this.#log.startOffset);
    while (cursor.offset < end) {
      const { records, next } = await this.#log.read(cursor, 256, 4 << 20);
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= end) return;
        const replayed = markedPositions(record.headers);
        yield replayed ? { replayed } : { letter: toLetter(record) };
      }
      cursor = next;
    }
  }

  async markReplayed(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.#append(replayMark(letters), 'dead-letter replay mark');
  }

  async #append(entry: BufferEntry, what: string): Promise<void> {
    const prepared = prepareRecord(entry);
    try {
      await this.#log.append([prepared], prepared.size);
    } catch (error) {
      this.#disk.noteFailure(error);
      throw new OtelgateError('unavailable', `${what} failed: ${(error as Error).message}`, {
        cause: error,
        retryAfterSeconds: this.#disk.retryAfterSeconds,
      });
    }
  }

  get startOffset(): bigint {
    return this.#log.startOffset;
  }

  get endOffset(): bigint {
    return this.#log.endOffset;
  }
}

function toLetter(record: DecodedRecord): DeadLetter {
  const h = record.headers;
  const headers: Record<string, string> = {};
  for (const name in h) if (!DLQ_HEADERS.has(name)) headers[name] = h[name];
  return {
    partition: 0,
    offset: record.offset,
    deadLetteredAt: record.timestamp,
    stage: h[DeadLetterHeader.stage] ?? '',
    reason: h[DeadLetterHeader.reason] ?? '',
    source: {
      signal: h[DeadLetterHeader.signal] as Signal | undefined,
      partition: Number(h[DeadLetterHeader.partition] ?? 0),
      offset: BigInt(h[DeadLetterHeader.offset] ?? -1),
      timestamp: Number(h[DeadLetterHeader.timestamp] ?? 0),
    },
    // Copied so a kept entry does not pin the whole read buffer.
    entry: { key: record.key && Uint8Array.from(record.key), value: Uint8Array.from(record.value), headers },
  };
}
