// The one retry pacing every consumer and exporter uses: exponential from `initialMs`, capped at
// `maxMs`, with optional jitter so many partitions or workers do not retry in step.
import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay drawn at random below it: 0.5 waits 50-100% of it; 0 (default) waits all of it. */
  jitter?: number;
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  const jitter = policy.jitter ?? 0;
  return Math.round(base * (1 - jitter * Math.random()));
}

/** Waits `ms`, or less when `abort` fires (resolves either way, never rejects). */
export function sleep(ms: number, abort?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal: abort }).catch(() => {});
}
