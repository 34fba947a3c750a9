// The numbers /status shares with /metrics, read from the same MeterProvider (one source of
// truth): counters and gauges by name (without `_total`), filtered by attributes.
import type { Attributes } from '@opentelemetry/api';

export interface Series {
  attributes: Attributes;
  value: number;
}

export interface MetricSnapshot {
  series(name: string): Series[];
  /** Sum of the series of `name` whose attributes include every one of `match`. */
  sum(name: string, match?: Attributes): number;
}

/** What a MetricReader's collect() gives (structural: the Prometheus exporter may carry its own sdk-metrics). */
export interface MetricSource {
  collect(): Promise<{
    resourceMetrics: {
      scopeMetrics: {
        metrics: { descriptor: { name: string }; dataPoints: { attributes: Attributes; value: unknown }[] }[];
      }[];
    };
  }>;
}

export async function takeSnapshot(reader: MetricSource): Promise<MetricSnapshot> {
  const { resourceMetrics } = await reader.collect();
  const byName = new Map<string, Series[]>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const series = byName.get(metric.descriptor.name) ?? [];
      for (const point of metric.dataPoints) {
        if (typeof point.value === 'number') series.push({ attributes: point.attributes, value: point.value });
      }
      byName.set(metric.descriptor.name, series);
    }
  }
  const series = (name: string) => byName.get(name) ?? [];
  return {
    series,
    sum: (name, match = {}) =>
      series(name)
        .filter((s) => Object.entries(match).every(([key, value]) => s.attributes[key] === value))
        .reduce((total, s) => total + s.value, 0),
  };
}
