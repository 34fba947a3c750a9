// Whether the log's file system can take appends: free space checked periodically, and a
// short pause after a failed write so a failing disk is not hammered by every request. When space
// runs low it first asks for room (retention deletes what every consumer group has committed
// past), so a full disk recovers by itself once consumers have caught up.
import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';

const RESUME_AFTER_ENOSPC_BYTES = 1024 * 1024;

export interface DiskGuardOptions {
  dir: string;
  minFreeBytes: number;
  intervalMs: number;
  logger: Logger;
  /** Frees what can be freed without losing unconsumed data; resolves with the segments deleted. */
  reclaim?: () => Promise<number>;
  /** Free bytes on the directory's file system (statfs unless a test injects readings). */
  freeBytes?: (dir: string) => Promise<number>;
}

export class DiskGuard {
  readonly #options: DiskGuardOptions;
  readonly #freeBytes: (dir: string) => Promise<number>;
  #full = false;
  /** After a real ENOSPC, free space must reach this (not just minFreeBytes) before appends resume. */
  #resumeAtBytes = 0;
  #failedUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(options: DiskGuardOptions) {
    this.#options = options;
    this.#freeBytes = options.freeBytes ?? statfsFreeBytes;
  }

  async start(): Promise<void> {
    await this.check();
    this.#timer = setInterval(() => void this.check(), this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  get diskFull(): boolean {
    return this.#full;
  }

  isWritable(): boolean {
    return !this.#full && Date.now() >= this.#failedUntil;
  }

  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.#options.intervalMs / 1000));
  }

  /** One check at a time: a reclaim can outlast the interval. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<void> {
    const { dir, logger, reclaim } = this.#options;
    try {
      let free = await this.#freeBytes(dir);
      if (free < this.#needed() && reclaim) {
        const deleted = await reclaim();
        if (deleted > 0) {
          const before = free;
          free = await this.#freeBytes(dir);
          logger.warn(
            { dir, deleted, freedBytes: free - before, freeBytes: free, minFreeBytes: this.#options.minFreeBytes },
            'disk space low: deleted segments every consumer group has committed past',
          );
        }
      }
      this.#setFull(free < this.#needed(), `${free} bytes free`);
    } catch (error) {
      logger.warn({ err: error, dir }, 'cannot read free disk space');
    }
  }

  #needed(): number {
    const { minFreeBytes } = this.#options;
    return this.#full ? Math.max(minFreeBytes, this.#resumeAtBytes) : minFreeBytes;
  }

  /** A commit failed: ENOSPC marks the disk full until a check sees space again. */
  noteFailure(error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      this.#resumeAtBytes = RESUME_AFTER_ENOSPC_BYTES;
      this.#setFull(true, code);
    }
    this.#failedUntil = Date.now() + this.#options.intervalMs;
  }

  #setFull(full: boolean, detail: string): void {
    if (full === this.#full) return;
    const { dir, logger } = this.#options;
    this.#full = full;
    if (!full) this.#resumeAtBytes = 0;
    if (full) logger.error({ dir, detail }, 'disk full: refusing appends');
    else logger.info({ dir, detail }, 'disk space available again: accepting appends');
  }
}

async function statfsFreeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}
