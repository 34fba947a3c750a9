import type { SignalData } from '../components/component.ts';
import type { Resource, Signal } from '../model/common.ts';
import type { Metric } from '../model/metrics.ts';

/** Calls `visit` once per resource of an export request with its item count (spans, data points, log records). */
export function forEachResource<S extends Signal>(
  signal: S,
  data: SignalData[S],
  visit: (resource: Resource, items: number) => void,
): void {
  if (signal === 'traces') {
    for (const rs of (data as SignalData['traces']).resourceSpans) {
      let items = 0;
      for (const ss of rs.scopeSpans) items += ss.spans.length;
      visit(rs.resource, items);
    }
  } else if (signal === 'logs') {
    for (const rl of (data as SignalData['logs']).resourceLogs) {
      let items = 0;
      for (const sl of rl.scopeLogs) items += sl.logRecords.length;
      visit(rl.resource, items);
    }
  } else {
    for (const rm of (data as SignalData['metrics']).resourceMetrics) {
      let items = 0;
      for (const sm of rm.scopeMetrics) {
        for (const metric of sm.metrics) items += dataPointCount(metric);
      }
      visit(rm.resource, items);
    }
  }
}

/** Spans, metric data points (all five kinds) or log records in one export request. */
export function countItems<S extends Signal>(signal: S, data: SignalData[S]): number {
  let count = 0;
  forEachResource(signal, data, (_, items) => {
    count += items;
  });
  return count;
}

function dataPointCount(metric: Metric): number {
  return (
    (metric.gauge?.dataPoints.length ?? 0) +
    (metric.sum?.dataPoints.length ?? 0) +
    (metric.histogram?.dataPoints.length ?? 0) +
    (metric.exponentialHistogram?.dataPoints.length ?? 0) +
    (metric.summary?.dataPoints.length ?? 0)
  );
}
