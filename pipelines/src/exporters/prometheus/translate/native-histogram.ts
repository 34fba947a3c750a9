// Exponential-histogram points as Prometheus native histograms (schema capped at 8, buckets
// merged down to it), cumulative or added to a delta series' running total.
import type { ExponentialHistogramDataPoint } from '@otelgate/pipelines/model/metrics.ts';
import type { DeltaToCumulative } from '../delta-to-cumulative.ts';
import type { NativeHistogram } from '../write-request.ts';

/** Merges buckets pairwise `by` times (scale - by). */
function downscale(offset: number, counts: number[], by: number): { offset: number; counts: number[] } {
  if (by <= 0 || counts.length === 0) return { offset, counts };
  const merged = new Map<number, number>();
  for (let i = 0; i < counts.length; i++) {
    const index = (offset + i) >> by;
    merged.set(index, (merged.get(index) ?? 0) + counts[i]);
  }
  const newOffset = offset >> by;
  const out: number[] = [];
  for (const [index, count] of merged) out[index - newOffset] = count;
  return { offset: newOffset, counts: Array.from(out, (c) => c ?? 0) };
}

function spansAndDeltas(
  offset: number,
  counts: number[],
): { spans: { offset: number; length: number }[]; deltas: number[] } {
  let first = 0;
  let last = counts.length - 1;
  while (first <= last && counts[first] === 0) first++;
  while (last >= first && counts[last] === 0) last--;
  if (first > last) return { spans: [], deltas: [] };
  const deltas: number[] = [];
  let previous = 0;
  for (let i = first; i <= last; i++) {
    deltas.push(counts[i] - previous);
    previous = counts[i];
  }
  // OTLP bucket i holds (base^i, base^(i+1)]; a Prometheus bucket index j holds (base^(j-1), base^j].
  return { spans: [{ offset: offset + first + 1, length: last - first + 1 }], deltas };
}

function denseBuckets(buckets: Map<number, number>): { offset: number; counts: number[] } {
  if (buckets.size === 0) return { offset: 0, counts: [] };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const index of buckets.keys()) {
    if (index < min) min = index;
    if (index > max) max = index;
  }
  const counts = new Array<number>(max - min + 1).fill(0);
  for (const [index, count] of buckets) counts[index - min] = count;
  return { offset: min, counts };
}

/** A delta exponential point added to its series' running total, as a native histogram. */
export function cumulativeNative(
  deltas: DeltaToCumulative,
  key: string,
  p: ExponentialHistogramDataPoint,
  t: number,
): NativeHistogram {
  const state = deltas.addExponential(key, t, {
    scale: p.scale,
    count: Number(p.count),
    sum: p.sum ?? 0,
    zeroCount: Number(p.zeroCount),
    positive: { offset: p.positive.offset, counts: p.positive.bucketCounts.map(Number) },
    negative: { offset: p.negative.offset, counts: p.negative.bucketCounts.map(Number) },
  });
  const by = Math.max(0, state.scale - 8);
  const positive = denseBuckets(state.positive);
  const negative = denseBuckets(state.negative);
  const pos = downscale(positive.offset, positive.counts, by);
  const neg = downscale(negative.offset, negative.counts, by);
  const posSpans = spansAndDeltas(pos.offset, pos.counts);
  const negSpans = spansAndDeltas(neg.offset, neg.counts);
  return {
    count: state.count,
    sum: state.sum,
    schema: Math.min(state.scale, 8),
    zeroThreshold: p.zeroThreshold,
    zeroCount: state.zeroCount,
    negativeSpans: negSpans.spans,
    negativeDeltas: negSpans.deltas,
    positiveSpans: posSpans.spans,
    positiveDeltas: posSpans.deltas,
    resetHint: 0,
    timestampMs: state.lastMs,
  };
}

export function nativeHistogram(p: ExponentialHistogramDataPoint, t: number): NativeHistogram {
  const by = Math.max(0, p.scale - 8);
  const positive = downscale(p.positive.offset, p.positive.bucketCounts.map(Number), by);
  const negative = downscale(p.negative.offset, p.negative.bucketCounts.map(Number), by);
  const pos = spansAndDeltas(positive.offset, positive.counts);
  const neg = spansAndDeltas(negative.offset, negative.counts);
  return {
    count: Number(p.count),
    sum: p.sum ?? 0,
    schema: Math.min(p.scale, 8),
    zeroThreshold: p.zeroThreshold,
    zeroCount: Number(p.zeroCount),
    negativeSpans: neg.spans,
    negativeDeltas: neg.deltas,
    positiveSpans: pos.spans,
    positiveDeltas: pos.deltas,
    resetHint: 0,
    timestampMs: t,
  };
}
