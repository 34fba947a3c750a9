import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';

/**
 * Bounds the bytes of requests held in memory at once (being read, scanned, or awaiting the
 * buffer). A request that does not fit is refused at once with `resource-exhausted` rather than
 * queued: queueing would only move the memory problem.
 */
export class InFlightLimiter {
  readonly #maxBytes: number;
  readonly #retryAfterSeconds: number;
  #inFlight = 0;

  constructor(maxBytes: number, retryAfterSeconds: number) {
    this.#maxBytes = maxBytes;
    this.#retryAfterSeconds = retryAfterSeconds;
  }

  get inFlightBytes(): number {
    return this.#inFlight;
  }

  /** Reserves `bytes` or throws; call the returned function exactly once to release. */
  acquire(bytes: number): () => void {
    if (this.#inFlight + bytes > this.#maxBytes && this.#inFlight > 0) {
      throw new OtelgateError(
        'resource-exhausted',
        `gateway busy: ${this.#inFlight} bytes in flight, limit ${this.#maxBytes}`,
        {
          retryAfterSeconds: this.#retryAfterSeconds,
        },
      );
    }
    this.#inFlight += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= bytes;
    };
  }
}
