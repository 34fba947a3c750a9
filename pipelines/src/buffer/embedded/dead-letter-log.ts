// Dead letters: records that can never be delivered, kept in their own log (`<dir>/deadletter/`)
// with headers saying why and where they came from, for `otelgate dlq list|replay`.
import { OtelgateError } from '../../errors/error-kinds.ts';
import { SIGNALS, type Signal } from '../../model/common.ts';
import type { BufferEntry, BufferProducer, BufferRecord, DeadLetterReason, DeadLetterSink } from '../buffer.ts';
import type { DiskGuard } from './disk-guard.ts';
import type { EmbeddedLogCounters } from './log-stats.ts';
import type { PartitionLog } from './partition-log.ts';
import { prepareRecord } from './record-format.ts';

export const DeadLetterHeader = {
  reason: 'otelgate-dlq-reason',
  stage: 'otelgate-dlq-stage',
  signal: 'otelgate-dlq-signal',
  partition: 'otelgate-dlq-partition',
  offset: 'otelgate-dlq-offset',
  /** When the original record was appended (ms since the epoch). */
  timestamp: 'otelgate-dlq-timestamp',
} as const;

const DLQ_HEADERS = new Set<string>(Object.values(DeadLetterHeader));

export interface DeadLetter {
  /** Position in the dead-letter log. */
  offset: bigint;
  /** When it was dead-lettered. */
  deadLetteredAt: number;
  stage: string;
  reason: string;
  source: { signal: Signal; partition: number; offset: bigint; timestamp: number };
  /** The original record as it was buffered. */
  entry: BufferEntry;
}

export interface DeadLetterQuery {
  /** First dead-letter offset to look at (default: the oldest kept). */
  fromOffset?: bigint;
  /** At most this many (default 100). */
  limit?: number;
}

export class DeadLetterLog implements DeadLetterSink {
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
    const prepared = prepareRecord({ key: record.key, value: record.value, headers });
    try {
      await this.#log.append([prepared], prepared.size);
    } catch (error) {
      this.#disk.noteFailure(error);
      throw new OtelgateError('unavailable', `dead-letter append failed: ${(error as Error).message}`, {
        cause: error,
        retryAfterSeconds: this.#disk.retryAfterSeconds,
      });
    }
    this.#counters.deadLetters++;
  }

  /** Dead letters in order, from `fromOffset`. */
  async list(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const limit = query.limit ?? 100;
    const out: DeadLetter[] = [];
    let cursor = await this.#log.seek(query.fromOffset ?? this.#log.startOffset);
    while (out.length < limit) {
      const { records, next } = await this.#log.read(cursor, limit - out.length, 4 << 20);
      if (records.length === 0) break;
      for (const record of records) {
        const headers: Record<string, string> = {};
        for (const name in record.headers) if (!DLQ_HEADERS.has(name)) headers[name] = record.headers[name];
        const h = record.headers;
        const signal = h[DeadLetterHeader.signal] as Signal;
        out.push({
          offset: record.offset,
          deadLetteredAt: record.timestamp,
          stage: h[DeadLetterHeader.stage] ?? '',
          reason: h[DeadLetterHeader.reason] ?? '',
          source: {
            signal,
            partition: Number(h[DeadLetterHeader.partition] ?? 0),
            offset: BigInt(h[DeadLetterHeader.offset] ?? -1),
            timestamp: Number(h[DeadLetterHeader.timestamp] ?? 0),
          },
          // Copied so a kept entry does not pin the whole read buffer.
          entry: { key: record.key && Uint8Array.from(record.key), value: Uint8Array.from(record.value), headers },
        });
      }
      cursor = next;
    }
    return out;
  }

  /**
   * Appends the selected dead letters back to their source signals (a new offset each; the
   * dead letters themselves stay until retention removes them). Returns how many were replayed
   * and the offset to continue from.
   */
  async replay(
    producer: BufferProducer,
    query: DeadLetterQuery = {},
  ): Promise<{ replayed: number; nextOffset: bigint }> {
    const letters = await this.list(query);
    for (const letter of letters) {
      if (!SIGNALS.includes(letter.source.signal)) {
        throw new OtelgateError('invalid-argument', `dead letter ${letter.offset} names no known signal`);
      }
      await producer.append(letter.source.signal, [letter.entry]);
    }
    const last = letters.at(-1);
    return {
      replayed: letters.length,
      nextOffset: last ? last.offset + 1n : (query.fromOffset ?? this.#log.startOffset),
    };
  }

  get startOffset(): bigint {
    return this.#log.startOffset;
  }

  get endOffset(): bigint {
    return this.#log.endOffset;
  }
}
