// Per-second call and error counts of one service, by the time spans ended, and the test the
// errorburst processor applies to a window of them. Pure: the processor owns the clock.

export interface BurstRule {
  threshold: number;
  activeShare: number;
  minCalls: number;
}

export class ServiceSeconds {
  private readonly buckets = new Map<number, { calls: number; errors: number }>();

  add(second: number, error: boolean): void {
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = { calls: 0, errors: 0 };
      this.buckets.set(second, bucket);
    }
    bucket.calls++;
    if (error) bucket.errors++;
  }

  /**
   * Whether the seconds in [from, to) are failing: every second with calls has an error share
   * over the threshold, enough seconds have calls, and they hold enough calls.
   */
  failing(from: number, to: number, rule: BurstRule): { failing: boolean; share: number } {
    let active = 0;
    let calls = 0;
    let errors = 0;
    for (let second = from; second < to; second++) {
      const bucket = this.buckets.get(second);
      if (!bucket || bucket.calls === 0) continue;
      if (bucket.errors / bucket.calls <= rule.threshold) return { failing: false, share: 0 };
      active++;
      calls += bucket.calls;
      errors += bucket.errors;
    }
    const failing = active >= Math.ceil(rule.activeShare * (to - from)) && calls >= rule.minCalls;
    return { failing, share: calls === 0 ? 0 : errors / calls };
  }

  /** Drops the seconds before `second`; true when nothing is left. */
  prune(second: number): boolean {
    for (const key of this.buckets.keys()) if (key < second) this.buckets.delete(key);
    return this.buckets.size === 0;
  }
}
