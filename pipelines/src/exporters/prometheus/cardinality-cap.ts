// Series cardinality cap per tenant (CVE-2023-45142 class: random label values must not
// blow up the destination). Known series pass; new series past the cap are refused.
// Series not seen for `staleAfterMs` are forgotten, freeing room.
import type { PrometheusMetrics } from './metrics.ts';

export class CardinalityCap {
  private readonly tenants = new Map<string, Map<string, number>>();
  private readonly max: number;
  private readonly staleAfterMs: number;
  private lastSweep = Date.now();
  private readonly metrics: PrometheusMetrics;

  constructor(max: number, staleAfterMs: number, metrics: PrometheusMetrics) {
    this.metrics = metrics;
    this.max = max;
    this.staleAfterMs = staleAfterMs;
  }

  /** True when the series may be sent. */
  admit(tenant: string, key: string, now: number): boolean {
    if (now - this.lastSweep > this.staleAfterMs / 4) this.sweep(now);
    let seen = this.tenants.get(tenant);
    if (!seen) {
      seen = new Map();
      this.tenants.set(tenant, seen);
      this.metrics.seriesCapped.add(0, { tenant });
    }
    if (seen.has(key)) {
      seen.set(key, now);
      return true;
    }
    if (seen.size >= this.max) {
      this.metrics.seriesCapped.add(1, { tenant });
      return false;
    }
    seen.set(key, now);
    this.metrics.activeSeries.add(1);
    return true;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [tenant, seen] of this.tenants) {
      for (const [key, at] of seen) {
        if (now - at > this.staleAfterMs) {
          seen.delete(key);
          this.metrics.activeSeries.add(-1);
        }
      }
      if (seen.size === 0) this.tenants.delete(tenant);
    }
  }
}
