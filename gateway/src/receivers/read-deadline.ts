// Time is a resource too: a request whose bytes stop coming, or come too slowly, is cut off so it
// frees what it held. One timer per request, and only requests still unread after a second see it
// fire more than once; the per-chunk cost is one addition.
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { LimitReason } from '../ingest/admission.ts';

/** How often a slow request is looked at; idle and rate cut-offs are up to this late, never early. */
const CHECK_MS = 1000;
/** The minimum rate is only judged once a body has had this long. */
export const MIN_RATE_GRACE_MS = 5000;

export interface ReadDeadlineLimits {
  /** The whole request must arrive within this time. */
  readTimeoutMs: number;
  /** No byte for this long cuts it off; 0: no idle check. */
  idleTimeoutMs: number;
  /** Average bytes per second, judged after MIN_RATE_GRACE_MS; 0: no rate check. */
  minBytesPerSecond: number;
  /** Where the client's own deadline (grpc-timeout) falls, ms from now; it holds past the read too. */
  callDeadlineMs?: number;
  /** Config path of these options, for messages ("receivers.otlp.http"). */
  configPath: string;
  /** What is being read, for messages ("request body"). */
  what: string;
}

export type ExpireHandler = (reason: LimitReason, error: OtelgateError) => void;

export class ReadDeadline {
  readonly #limits: ReadDeadlineLimits;
  readonly #onExpire: ExpireHandler;
  readonly #started = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #bytes = 0;
  #bytesAtCheck = 0;
  #progressAt: number;
  #reading = true;
  /** Set once the deadline cut the request off. */
  error: OtelgateError | undefined;
  /** Set by the reader: stops reading with the deadline's error. */
  interrupt: ((error: OtelgateError) => void) | undefined;

  constructor(limits: ReadDeadlineLimits, onExpire: ExpireHandler) {
    this.#limits = limits;
    this.#onExpire = onExpire;
    this.#progressAt = this.#started;
    this.#arm();
  }

  /** `bytes` more arrived (before inflating). */
  received(bytes: number): void {
    this.#bytes += bytes;
  }

  /** The request is read: from now only a call deadline can still expire. */
  doneReading(): void {
    this.#reading = false;
    this.interrupt = undefined;
    if (this.#limits.callDeadlineMs === undefined) this.stop();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const elapsed = performance.now() - this.#started;
    let delay = CHECK_MS;
    if (this.#reading) delay = Math.min(delay, this.#limits.readTimeoutMs - elapsed);
    if (this.#limits.callDeadlineMs !== undefined) delay = Math.min(delay, this.#limits.callDeadlineMs - elapsed);
    this.#timer = setTimeout(() => this.#check(), Math.max(delay, 1));
    this.#timer.unref();
  }

  #check(): void {
    const expired = this.#expired();
    if (expired) this.#expire(expired[0], expired[1]);
    else this.#arm();
  }

  /** What cut the read off, if anything did; moves progress on when bytes came since the last look. */
  #expired(): [LimitReason, string] | undefined {
    const now = performance.now();
    const elapsed = now - this.#started;
    if (this.#bytes !== this.#bytesAtCheck) {
      this.#bytesAtCheck = this.#bytes;
      this.#progressAt = now;
    }
    const { readTimeoutMs, idleTimeoutMs, minBytesPerSecond, callDeadlineMs, configPath, what } = this.#limits;
    if (callDeadlineMs !== undefined && elapsed >= callDeadlineMs) {
      return ['grpc-timeout', `the call's grpc-timeout of ${callDeadlineMs} ms passed`];
    }
    if (this.#reading) {
      const received = `${this.#bytes} bytes received`;
      if (elapsed >= readTimeoutMs) {
        return [
          'read-timeout',
          `the ${what} did not arrive within ${readTimeoutMs / 1000} s (${received}; ${configPath}.readTimeoutSeconds)`,
        ];
      }
      if (idleTimeoutMs > 0 && now - this.#progressAt >= idleTimeoutMs) {
        return [
          'idle-timeout',
          `no bytes of the ${what} for ${idleTimeoutMs / 1000} s (${received}; ${configPath}.streamIdleTimeoutSeconds)`,
        ];
      }
      const rate = (this.#bytes * 1000) / elapsed;
      if (minBytesPerSecond > 0 && elapsed >= MIN_RATE_GRACE_MS && rate < minBytesPerSecond) {
        return [
          'min-rate',
          `the ${what} arrived at ${Math.round(rate)} bytes/s, under the minimum of ${minBytesPerSecond} (${received}; ${configPath}.minBodyRateBytesPerSecond)`,
        ];
      }
    }
    return undefined;
  }

  #expire(reason: LimitReason, message: string): void {
    this.#timer = undefined;
    this.error = new OtelgateError('deadline-exceeded', message);
    this.#onExpire(reason, this.error);
    this.interrupt?.(this.error);
  }
}
