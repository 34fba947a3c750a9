// BufferProducer on the embedded log: admission (disk, size cap), then a group commit.
import { OtelgateError } from '../../errors/error-kinds.ts';
import type { Signal } from '../../model/common.ts';
import type { BufferEntry, BufferProducer } from '../buffer.ts';
import type { DiskGuard } from './disk-guard.ts';
import type { EmbeddedLogCounters } from './log-stats.ts';
import type { PartitionLog } from './partition-log.ts';
import { type PreparedRecord, prepareRecord } from './record-format.ts';
import type { Retention } from './retention.ts';

export interface EmbeddedProducerOptions {
  logs: ReadonlyMap<Signal, PartitionLog>;
  disk: DiskGuard;
  retention: Retention;
  maxBytes: number;
  maxRecordBytes: number;
  counters: EmbeddedLogCounters;
}

export class EmbeddedProducer implements BufferProducer {
  readonly #options: EmbeddedProducerOptions;
  #closed = false;

  constructor(options: EmbeddedProducerOptions) {
    this.#options = options;
  }

  async append(signal: Signal, entries: BufferEntry[]): Promise<void> {
    const { logs, disk, counters } = this.#options;
    const log = logs.get(signal);
    if (!log) throw new OtelgateError('invalid-argument', `unknown signal ${signal}`);
    if (this.#closed) {
      counters.refusedAppends.closed++;
      throw new OtelgateError('unavailable', 'buffer is closing', { retryAfterSeconds: 1 });
    }
    if (!disk.isWritable()) {
      counters.refusedAppends[disk.diskFull ? 'disk-full' : 'io-error']++;
      throw new OtelgateError('unavailable', disk.diskFull ? 'buffer disk is full' : 'buffer disk is failing', {
        retryAfterSeconds: disk.retryAfterSeconds,
      });
    }
    if (entries.length === 0) return;
    const records: PreparedRecord[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const record = prepareRecord(entry);
      if (record.size > this.#options.maxRecordBytes) {
        counters.refusedAppends['too-large']++;
        throw new OtelgateError(
          'payload-too-large',
          `buffer record of ${record.size} bytes exceeds buffer.embedded.maxRecordBytes (${this.#options.maxRecordBytes})`,
        );
      }
      records.push(record);
      bytes += record.size;
    }
    await this.#admit(bytes);
    try {
      await log.append(records, bytes);
    } catch (error) {
      disk.noteFailure(error);
      counters.refusedAppends[disk.diskFull ? 'disk-full' : 'io-error']++;
      throw new OtelgateError('unavailable', `buffer append failed: ${(error as Error).message}`, {
        cause: error,
        retryAfterSeconds: disk.retryAfterSeconds,
      });
    }
  }

  /** Backpressure: past `maxBytes`, consumed segments are reclaimed first; otherwise the append waits for consumers. */
  async #admit(bytes: number): Promise<void> {
    const { retention, maxBytes, counters } = this.#options;
    if (retention.totalBytes() + bytes <= maxBytes) return;
    await retention.run(true);
    if (retention.totalBytes() + bytes <= maxBytes) return;
    counters.refusedAppends['max-bytes']++;
    throw new OtelgateError(
      'resource-exhausted',
      `buffer holds ${retention.totalBytes()} bytes not yet consumed (buffer.embedded.maxBytes ${maxBytes})`,
      { retryAfterSeconds: 1 },
    );
  }

  isWritable(): boolean {
    return !this.#closed && this.#options.disk.isWritable();
  }

  /** Stops taking appends; commits in flight finish when the log closes. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}
