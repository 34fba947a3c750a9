// Deletes whole segments. Signal logs: only segments every known consumer group has committed
// past, once older than the age limit, or earlier when the log is over its size limit or
// under pressure from `maxBytes`. Dead letters: by age and size alone (nobody commits them).
import type { Logger } from 'pino';
import type { Signal } from '../../model/common.ts';
import type { EmbeddedLogConfig } from './config.ts';
import type { OffsetStore } from './offset-store.ts';
import type { PartitionLog } from './partition-log.ts';

const HOUR_MS = 3_600_000;

export class Retention {
  readonly #logs: ReadonlyMap<Signal, PartitionLog>;
  readonly #deadLetters: PartitionLog;
  readonly #offsets: OffsetStore;
  readonly #config: EmbeddedLogConfig;
  readonly #logger: Logger;
  #running: Promise<number> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    logs: ReadonlyMap<Signal, PartitionLog>,
    deadLetters: PartitionLog,
    offsets: OffsetStore,
    config: EmbeddedLogConfig,
    logger: Logger,
  ) {
    this.#logs = logs;
    this.#deadLetters = deadLetters;
    this.#offsets = offsets;
    this.#config = config;
    this.#logger = logger;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.run().catch((error) => this.#logger.warn({ err: error }, 'retention failed'));
    }, this.#config.retention.checkIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * Disk space is low: delete every segment all consumer groups have committed past, whatever its
   * age, sealing an active segment first when it is fully consumed (the active one is never
   * deleted). Unconsumed records are never touched. Resolves with the segments deleted.
   */
  async reclaim(): Promise<number> {
    const { groupExpiryHours } = this.#config.retention;
    for (const [signal, log] of this.#logs) {
      const consumed = this.#offsets.minCommitted(signal, log.startOffset, groupExpiryHours * HOUR_MS);
      if (consumed !== undefined && consumed >= log.endOffset) await log.sealActive();
    }
    return this.run(true);
  }

  totalBytes(): number {
    let total = 0;
    for (const log of this.#logs.values()) total += log.sizeBytes;
    return total;
  }

  /**
   * One pass; runs are never concurrent (a caller arriving during a run waits for it).
   * `pressure`: delete every committed segment regardless of age, to make room under `maxBytes`.
   */
  run(pressure = false): Promise<number> {
    if (!this.#running) {
      this.#running = this.#pass(pressure).finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  async #pass(pressure: boolean): Promise<number> {
    const { retention, deadLetter } = this.#config;
    const now = Date.now();
    let deleted = 0;
    for (const [signal, log] of this.#logs) {
      const consumed = this.#offsets.minCommitted(signal, log.startOffset, retention.groupExpiryHours * HOUR_MS);
      if (consumed === undefined) continue;
      deleted += await log.deleteFront((segment) => {
        const sealedEnd = segment.nextOffset;
        if (sealedEnd > consumed) return false;
        if (now - segment.lastAppendMs > retention.maxAgeHours * HOUR_MS) return true;
        return pressure || this.totalBytes() > retention.maxBytes;
      });
    }
    deleted += await this.#deadLetters.deleteFront(
      (segment, size) => now - segment.lastAppendMs > deadLetter.maxAgeHours * HOUR_MS || size > deadLetter.maxBytes,
    );
    if (deleted > 0) this.#logger.info({ deleted }, 'retention deleted segments');
    return deleted;
  }
}
