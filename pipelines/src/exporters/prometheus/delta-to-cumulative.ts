// Delta temporality to cumulative: Prometheus only understands running totals.
// State per series (bounded LRU with a staleness TTL). Behaviour, documented in docs/CONFIG.md:
// - the first delta point of a series starts a total at its own value;
// - gaps (a start time after the previous end) are added anyway: nothing is dropped, the
//   total just includes what arrived;
// - a point not newer than the last one added (a replayed batch) is not added again, so
//   retries and replays after a crash do not double-count;
// - after a restart or an eviction the total starts again from zero, which PromQL's
//   rate()/increase() read as a counter reset.
import { LRUCache } from 'lru-cache';

interface SumState {
  total: number;
  startMs: number;
  lastMs: number;
}

interface HistogramState {
  startMs: number;
  lastMs: number;
  count: number;
  sum: number;
  bounds: string;
  buckets: number[];
}

export class DeltaToCumulative {
  private readonly sums: LRUCache<string, SumState>;
  private readonly histograms: LRUCache<string, HistogramState>;

  constructor(maxSeries: number, staleAfterMs: number) {
    this.sums = new LRUCache({ max: maxSeries, ttl: staleAfterMs, updateAgeOnGet: true });
    this.histograms = new LRUCache({ max: maxSeries, ttl: staleAfterMs, updateAgeOnGet: true });
  }

  /** Adds a delta and returns the running total and the series' start time. */
  addSum(key: string, value: number, startMs: number, timeMs: number): SumState {
    let state = this.sums.get(key);
    if (!state) {
      state = { total: 0, startMs, lastMs: Number.NEGATIVE_INFINITY };
      this.sums.set(key, state);
    }
    if (timeMs > state.lastMs) {
      state.total += value;
      state.lastMs = timeMs;
    }
    return state;
  }

  /**
   * Adds a delta histogram. A change of bucket layout restarts the series (returned
   * `reset` true) because old and new buckets cannot be added.
   */
  addHistogram(
    key: string,
    startMs: number,
    timeMs: number,
    count: number,
    sum: number,
    bounds: number[],
    buckets: number[],
  ): HistogramState & { reset: boolean } {
    const boundsKey = bounds.join(',');
    let state = this.histograms.get(key);
    let reset = false;
    if (!state || state.bounds !== boundsKey) {
      reset = state !== undefined;
      state = {
        startMs,
        lastMs: Number.NEGATIVE_INFINITY,
        count: 0,
        sum: 0,
        bounds: boundsKey,
        buckets: new Array(buckets.length).fill(0),
      };
      this.histograms.set(key, state);
    }
    if (timeMs > state.lastMs) {
      state.count += count;
      state.sum += sum;
      for (let i = 0; i < buckets.length; i++) state.buckets[i] += buckets[i];
      state.lastMs = timeMs;
    }
    return { ...state, reset };
  }

  get size(): number {
    return this.sums.size + this.histograms.size;
  }
}
