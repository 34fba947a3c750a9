// Whether the log's file system can take appends: free space checked periodically, and a
// short pause after a failed write so a failing disk is not hammered by every request.
import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';

const RESUME_AFTER_ENOSPC_BYTES = 1024 * 1024;

export class DiskGuard {
  readonly #dir: string;
  readonly #minFreeBytes: number;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  #full = false;
  /** After a real ENOSPC, free space must reach this (not just minFreeBytes) before appends resume. */
  #resumeAtBytes = 0;
  #failedUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(dir: string, minFreeBytes: number, intervalMs: number, logger: Logger) {
    this.#dir = dir;
    this.#minFreeBytes = minFreeBytes;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
  }

  async start(): Promise<void> {
    await this.check();
    this.#timer = setInterval(() => void this.check(), this.#intervalMs);
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
    return Math.max(1, Math.ceil(this.#intervalMs / 1000));
  }

  async check(): Promise<void> {
    try {
      const stats = await statfs(this.#dir);
      const free = Number(stats.bavail) * Number(stats.bsize);
      const needed = this.#full ? Math.max(this.#minFreeBytes, this.#resumeAtBytes) : this.#minFreeBytes;
      this.#setFull(free < needed, `${free} bytes free`);
    } catch (error) {
      this.#logger.warn({ err: error, dir: this.#dir }, 'cannot read free disk space');
    }
  }

  /** A commit failed: ENOSPC marks the disk full until a check sees space again. */
  noteFailure(error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      this.#resumeAtBytes = RESUME_AFTER_ENOSPC_BYTES;
      this.#setFull(true, code);
    }
    this.#failedUntil = Date.now() + this.#intervalMs;
  }

  #setFull(full: boolean, detail: string): void {
    if (full === this.#full) return;
    this.#full = full;
    if (!full) this.#resumeAtBytes = 0;
    if (full) this.#logger.error({ dir: this.#dir, detail }, 'disk full: refusing appends');
    else this.#logger.info({ dir: this.#dir, detail }, 'disk space available again: accepting appends');
  }
}
