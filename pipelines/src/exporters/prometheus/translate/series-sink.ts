// Where every metric type's translation ends: time series keyed by their sorted label set (points
// of one series within a batch merge into one TimeSeries, samples sorted by time), the metadata of
// each family, and the points dropped by reason.
import type { Exemplar, Label, MetricMetadata, NativeHistogram, TimeSeries } from '../write-request.ts';

export interface Translation {
  /** Keyed by the canonical label set. */
  series: Map<string, TimeSeries>;
  metadata: Map<string, MetricMetadata>;
  /** Points not translated, by reason. */
  dropped: Map<string, number>;
  points: number;
}

export interface SeriesSample {
  value: number;
  timestampMs: number;
}

export class SeriesSink {
  readonly out: Translation = { series: new Map(), metadata: new Map(), dropped: new Map(), points: 0 };
  // Label maps are reused for every series of a point (each bucket, _sum, _count): sort once.
  private readonly sortedBases = new WeakMap<Map<string, string>, Label[]>();

  drop(reason: string, n = 1): void {
    this.out.dropped.set(reason, (this.out.dropped.get(reason) ?? 0) + n);
  }

  describe(family: string, metadata: Omit<MetricMetadata, 'family'>): void {
    this.out.metadata.set(family, { ...metadata, family });
  }

  /** One sample (or native histogram) of the series `base` labels + `__name__` + `extra`. */
  add(
    base: Map<string, string>,
    name: string,
    extra: [string, string] | undefined,
    sample: SeriesSample | undefined,
    exemplars: Exemplar[],
    histogram?: NativeHistogram,
  ): void {
    let sorted = this.sortedBases.get(base);
    if (!sorted) {
      sorted = [];
      for (const [n, v] of base) sorted.push({ name: n, value: v });
      sorted.sort(byName);
      this.sortedBases.set(base, sorted);
    }
    const named = insertSorted(sorted, { name: '__name__', value: name });
    const labels = extra ? insertSorted(named, { name: extra[0], value: extra[1] }) : named;
    const key = seriesKey(labels);
    let ts = this.out.series.get(key);
    if (!ts) {
      ts = { labels, samples: [], exemplars: [], histograms: [] };
      this.out.series.set(key, ts);
    }
    if (sample) ts.samples.push(sample);
    if (histogram) ts.histograms.push(histogram);
    for (const e of exemplars) ts.exemplars.push(e);
  }

  /** The translation, each series' samples in time order. */
  finish(): Translation {
    for (const ts of this.out.series.values()) {
      if (ts.samples.length > 1) ts.samples.sort((a, b) => a.timestampMs - b.timestampMs);
      if (ts.histograms.length > 1) ts.histograms.sort((a, b) => a.timestampMs - b.timestampMs);
    }
    return this.out;
  }
}

export function seriesKey(labels: Label[]): string {
  let key = '';
  for (const l of labels) key += `${l.name}\u0000${l.value}\u0001`;
  return key;
}

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A copy of sorted `labels` with `label` in its place (replacing one of the same name). */
function insertSorted(labels: Label[], label: Label): Label[] {
  const out: Label[] = [];
  let placed = false;
  for (const l of labels) {
    if (!placed && l.name >= label.name) {
      out.push(label);
      placed = true;
      if (l.name === label.name) continue;
    }
    out.push(l);
  }
  if (!placed) out.push(label);
  return out;
}
