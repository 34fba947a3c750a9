// BufferConsumer on the embedded log: one loop per signal reads from the group's committed
// offset, hands a batch over, commits after it resolves, retries it (with backoff) after it rejects.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { backoffDelay } from '../../delivery/backoff.ts';
import { OtelgateError } from '../../errors/error-kinds.ts';
import type { Signal } from '../../model/common.ts';
import type { BatchHandler, BufferConsumer, BufferRecord, ConsumedBatch, PartitionLag } from '../buffer.ts';
import type { EmbeddedLogConfig } from './config.ts';
import type { OffsetStore } from './offset-store.ts';
import type { PartitionLog, ReadCursor } from './partition-log.ts';

export interface EmbeddedConsumerOptions {
  group: string;
  logs: ReadonlyMap<Signal, PartitionLog>;
  offsets: OffsetStore;
  config: EmbeddedLogConfig;
  logger: Logger;
}

export class EmbeddedConsumer implements BufferConsumer {
  readonly #options: EmbeddedConsumerOptions;
  #running = false;

  constructor(options: EmbeddedConsumerOptions) {
    this.#options = options;
    options.offsets.register(options.group);
  }

  async run(handler: BatchHandler, abort: AbortSignal): Promise<void> {
    if (this.#running) throw new OtelgateError('internal', `consumer group ${this.#options.group} is already running`);
    this.#running = true;
    try {
      await Promise.all(
        [...this.#options.logs].map(([signal, log]) => this.#runPartition(signal, log, handler, abort)),
      );
    } finally {
      this.#running = false;
    }
  }

  async #runPartition(signal: Signal, log: PartitionLog, handler: BatchHandler, abort: AbortSignal): Promise<void> {
    const { config } = this.#options;
    const logger = this.#options.logger.child({ signal, group: this.#options.group });
    let cursor: ReadCursor | undefined;
    let failures = 0;
    while (!abort.aborted && !log.closed) {
      try {
        if (!cursor) cursor = await log.seek(this.#committed(signal, log, logger));
        const { records, next } = await log.read(cursor, config.batch.maxRecords, config.batch.maxBytes);
        if (records.length === 0) {
          cursor = next;
          await log.waitForAppend(next.offset, config.consumer.pollIntervalMs, abort);
          continue;
        }
        const batch: ConsumedBatch = {
          signal,
          partition: 0,
          records: records.map(
            (record): BufferRecord => ({
              signal,
              partition: 0,
              offset: record.offset,
              timestamp: record.timestamp,
              key: record.key,
              value: record.value,
              headers: record.headers,
            }),
          ),
        };
        if (!(await this.#deliver(batch, handler, abort, logger))) return;
        await this.#commit(signal, next.offset, abort, logger);
        cursor = next;
        failures = 0;
      } catch (error) {
        // A read failed (e.g. a segment deleted under the reader): find the position again.
        cursor = undefined;
        logger.warn({ err: error }, 'reading the embedded log failed; retrying');
        await sleep(this.#backoff(failures++), undefined, { signal: abort }).catch(() => {});
      }
    }
  }

  #committed(signal: Signal, log: PartitionLog, logger: Logger): bigint {
    const committed = this.#options.offsets.get(this.#options.group, signal);
    if (committed === undefined) return log.startOffset;
    if (committed > log.endOffset) {
      // Only possible after losing data the log had acknowledged (fsync: never and a machine crash).
      logger.error(
        { committed: committed.toString(), end: log.endOffset.toString() },
        'committed offset is past the end of the log: resuming at the end',
      );
      return log.endOffset;
    }
    if (committed < log.startOffset) {
      logger.warn(
        { committed: committed.toString(), start: log.startOffset.toString() },
        'committed offset is older than the log: resuming at the oldest record',
      );
      return log.startOffset;
    }
    return committed;
  }

  /** Hands the batch over until it resolves; false when `abort` fired after a rejection. */
  async #deliver(batch: ConsumedBatch, handler: BatchHandler, abort: AbortSignal, logger: Logger): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await handler(batch);
        return true;
      } catch (error) {
        if (abort.aborted) return false;
        const delay = this.#backoff(attempt);
        logger.warn(
          { err: error, firstOffset: batch.records[0].offset.toString(), attempt, retryInMs: delay },
          'batch handler rejected; the same batch is handed over again after a backoff',
        );
        await sleep(delay, undefined, { signal: abort }).catch(() => {});
        if (abort.aborted) return false;
      }
    }
  }

  /** Commits, retrying on failure (the batch is delivered; only the position is at stake). */
  async #commit(signal: Signal, offset: bigint, abort: AbortSignal, logger: Logger): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#options.offsets.commit(this.#options.group, signal, offset);
        return;
      } catch (error) {
        logger.error({ err: error, offset: offset.toString(), attempt }, 'committing the consumer offset failed');
        if (abort.aborted) return;
        await sleep(this.#backoff(attempt), undefined, { signal: abort }).catch(() => {});
      }
    }
  }

  #backoff(attempt: number): number {
    const { retryInitialMs, retryMaxMs } = this.#options.config.consumer;
    return backoffDelay(attempt, { initialMs: retryInitialMs, maxMs: retryMaxMs, jitter: 0.2 });
  }

  async lag(): Promise<PartitionLag[]> {
    const lags: PartitionLag[] = [];
    for (const [signal, log] of this.#options.logs) {
      const committed = this.#options.offsets.get(this.#options.group, signal);
      let from = committed === undefined || committed < log.startOffset ? log.startOffset : committed;
      if (from > log.endOffset) from = log.endOffset;
      lags.push({ signal, partition: 0, committedOffset: from, lag: log.endOffset - from });
    }
    return lags;
  }

  async close(): Promise<void> {}
}
