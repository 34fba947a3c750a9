// Delta temporality to cumulative: Prometheus only understands running totals.
// State per series (bounded LRU with a staleness TTL). Behaviour, documented in docs/CONFIG.md:
// - the first delta point of a series starts a total at its own value;
// - gaps (a start time after the previous end) are added anyway: nothing is dropped, the
//   total just includes what arrived;
// - a point not newer than the last one added from the same source (a replayed batch) is not
//   added again, so retries and replays after a crash do not double-count. The source is the
//   whole resource: many senders (browser sessions, each its own resource) feeding one series
//   all add up, whatever order their points arrive in, and the total is stamped with the newest
//   point's time so Prometheus never sees it go back in time;
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

/** Cumulative exponential histogram: bucket counts by absolute index at `scale`. */
export interface ExponentialState {
  lastMs: number;
  scale: number;
  count: number;
  sum: number;
  zeroCount: number;
  positive: Map<number, number>;
  negative: Map<number, number>;
}

export interface ExponentialDelta {
  scale: number;
  count: number;
  sum: number;
  zeroCount: number;
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
}

function downscaleMap(buckets: Map<number, number>, by: number): Map<number, number> {
  if (by <= 0) return buckets;
  const out = new Map<number, number>();
  for (const [index, count] of buckets) out.set(index >> by, (out.get(index >> by) ?? 0) + count);
  return out;
}

function addBuckets(into: Map<number, number>, offset: number, counts: number[], by: number): void {
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    const index = (offset + i) >> by;
    into.set(index, (into.get(index) ?? 0) + counts[i]);
  }
}

export class DeltaToCumulative {
  private readonly sums: LRUCache<string, SumState>;
  private readonly histograms: LRUCache<string, HistogramState>;
  private readonly exponentials: LRUCache<string, ExponentialState>;
  /** Newest point time added per (series, source): the replay guard. */
  private readonly lastBySource: LRUCache<string, number>;
  /** The source (resource) of the points being added; set by the translation per resource. */
  source = '';

  constructor(maxSeries: number, staleAfterMs: number) {
    this.sums = new LRUCache({ max: maxSeries, ttl: staleAfterMs, updateAgeOnGet: true });
    this.histograms = new LRUCache({ max: maxSeries, ttl: staleAfterMs, updateAgeOnGet: true });
    this.exponentials = new LRUCache({ max: maxSeries, ttl: staleAfterMs, updateAgeOnGet: true });
    this.lastBySource = new LRUCache({ max: maxSeries * 4, ttl: staleAfterMs, updateAgeOnGet: true });
  }

  /** True when `timeMs` is newer than what this source last added to `key` (then it is recorded). */
  private fresh(kind: string, key: string, timeMs: number, created: boolean): boolean {
    const id = `${kind}\u0003${key}\u0003${this.source}`;
    const last = created ? undefined : this.lastBySource.get(id);
    if (last !== undefined && timeMs <= last) return false;
    this.lastBySource.set(id, timeMs);
    return true;
  }

  /**
   * Adds a delta exponential histogram. Points of different scales are merged at the
   * smaller (coarser) scale, as the OpenTelemetry data model allows.
   */
  addExponential(key: string, timeMs: number, delta: ExponentialDelta): ExponentialState {
    let state = this.exponentials.get(key);
    const created = !state;
    if (!state) {
      state = {
        lastMs: Number.NEGATIVE_INFINITY,
        scale: delta.scale,
        count: 0,
        sum: 0,
        zeroCount: 0,
        positive: new Map(),
        negative: new Map(),
      };
      this.exponentials.set(key, state);
    }
    if (!this.fresh('e', key, timeMs, created)) return state;
    if (delta.scale < state.scale) {
      state.positive = downscaleMap(state.positive, state.scale - delta.scale);
      state.negative = downscaleMap(state.negative, state.scale - delta.scale);
      state.scale = delta.scale;
    }
    const by = delta.scale - state.scale;
    addBuckets(state.positive, delta.positive.offset, delta.positive.counts, by);
    addBuckets(state.negative, delta.negative.offset, delta.negative.counts, by);
    state.count += delta.count;
    state.sum += delta.sum;
    state.zeroCount += delta.zeroCount;
    state.lastMs = Math.max(state.lastMs, timeMs);
    return state;
  }

  /** Adds a delta and returns the running total and the series' start time. */
  addSum(key: string, value: number, startMs: number, timeMs: number): SumState {
    let state = this.sums.get(key);
    const created = !state;
    if (!state) {
      state = { total: 0, startMs, lastMs: Number.NEGATIVE_INFINITY };
      this.sums.set(key, state);
    }
    if (this.fresh('s', key, timeMs, created)) {
      state.total += value;
      state.lastMs = Math.max(state.lastMs, timeMs);
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
    const created = !state || state.bounds !== boundsKey;
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
    if (this.fresh('h', key, timeMs, created)) {
      state.count += count;
      state.sum += sum;
      for (let i = 0; i < buckets.length; i++) state.buckets[i] += buckets[i];
      state.lastMs = Math.max(state.lastMs, timeMs);
    }
    return { ...state, reset };
  }

  get size(): number {
    return this.sums.size + this.histograms.size + this.exponentials.size;
  }
}
