// Keeps the consumer's run going, as a small state machine:
//
//   consuming ──run failed──▶ backing-off ──pause over──▶ consuming
//   consuming ──stall, run will not wind down──▶ hung ──run returned──▶ consuming
//   any ──stop()──▶ stopping ──batches settled (or grace period over)──▶ stopped
//
// Only `consuming` is ready (/readyz).
import type { Logger } from 'pino';
import type { BatchHandler, BufferConsumer } from '../buffer/buffer.ts';
import { type BackoffPolicy, backoffDelay, sleep } from '../delivery/backoff.ts';

export type RunnerState = 'consuming' | 'backing-off' | 'hung' | 'stopping' | 'stopped';

const RUN_RETRY: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };

export class ConsumerRunner {
  private current: RunnerState = 'consuming';
  /** Times the consumer's run was started again (after a failure or a stall). */
  restarts = 0;
  private runAbort = new AbortController();
  private run: Promise<void> = Promise.resolve();
  private readonly stopAbort = new AbortController();
  private readonly done: Promise<void>;
  private readonly consumer: BufferConsumer;
  private readonly handler: BatchHandler;
  private readonly logger: Logger;

  constructor(consumer: BufferConsumer, handler: BatchHandler, logger: Logger) {
    this.consumer = consumer;
    this.handler = handler;
    this.logger = logger;
    this.done = this.loop();
  }

  get state(): RunnerState {
    return this.current;
  }

  /** A stall: the run is aborted (the loop starts a new one); `hung` if it does not wind down in time. */
  async restart(timeoutMs: number): Promise<void> {
    const run = this.run;
    this.runAbort.abort();
    if (!(await settlesWithin(run, timeoutMs)) && this.current === 'consuming') {
      this.current = 'hung';
      this.logger.error({ restartTimeoutMs: timeoutMs }, 'stalled consumer run did not wind down; reporting not ready');
    }
  }

  /** Resolves true once the run returned (its batches settled), false if the grace period ran out first. */
  async stop(graceMs: number): Promise<boolean> {
    this.current = 'stopping';
    this.stopAbort.abort();
    this.runAbort.abort();
    const settled = await settlesWithin(this.done, graceMs);
    this.current = 'stopped';
    return settled;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    for (let first = true; !this.stopping(); first = false) {
      if (!first) this.restarts++;
      this.runAbort = new AbortController();
      this.run = this.consumer.run(this.handler, this.runAbort.signal);
      try {
        await this.run;
        if (this.stopping()) return;
        if (this.current === 'hung') this.current = 'consuming';
        // Returned on its own (not aborted for a stall): do not spin.
        if (!this.runAbort.signal.aborted) throw new Error('consumer run returned before it was asked to stop');
        failures = 0;
      } catch (error) {
        if (this.stopping()) return;
        const retryMs = backoffDelay(failures++, RUN_RETRY);
        this.logger.error({ err: error, retryMs }, 'consumer run failed; starting it again after a pause');
        this.current = 'backing-off';
        await sleep(retryMs, this.stopAbort.signal);
        if (this.current === 'backing-off') this.current = 'consuming';
      }
    }
  }

  private stopping(): boolean {
    return this.current === 'stopping' || this.current === 'stopped';
  }
}

export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  const result = await Promise.race([settled, expired]);
  clearTimeout(timer);
  return result;
}
