// Encoder of metrics/v1 messages (see encode-common.ts for the two-pass scheme).
import type { Metric, MetricsData, ResourceMetrics, ScopeMetrics } from '../model/metrics.ts';
import {
  sizeAttributes,
  sizeResource,
  sizeScope,
  u32Field,
  writeAttributes,
  writeResource,
  writeScope,
  writeStringField,
  writeU32,
} from './encode-common.ts';
import {
  sizeExponentialPoint,
  sizeHistogramPoint,
  sizeNumberPoint,
  sizeSummaryPoint,
  writeExponentialPoint,
  writeHistogramPoint,
  writeNumberPoint,
  writeSummaryPoint,
} from './encode-metric-points.ts';
import { reserve, stringField, sub, type SizeList, type WireWriter } from './wire-writer.ts';

export function sizeMetrics(data: MetricsData, z: SizeList): number {
  let n = 0;
  for (const rm of data.resourceMetrics) n += sub(z, reserve(z), sizeResourceMetrics(rm, z));
  return n;
}

export function writeMetrics(w: WireWriter, data: MetricsData): void {
  for (const rm of data.resourceMetrics) {
    w.tag(1, 2);
    w.len();
    writeResourceMetrics(w, rm);
  }
}

function sizeResourceMetrics(rm: ResourceMetrics, z: SizeList): number {
  let n = sub(z, reserve(z), sizeResource(rm.resource, z));
  for (const sm of rm.scopeMetrics) n += sub(z, reserve(z), sizeScopeMetrics(sm, z));
  return n + stringField(rm.schemaUrl);
}

function writeResourceMetrics(w: WireWriter, rm: ResourceMetrics): void {
  w.tag(1, 2);
  w.len();
  writeResource(w, rm.resource);
  for (const sm of rm.scopeMetrics) {
    w.tag(2, 2);
    w.len();
    writeScopeMetrics(w, sm);
  }
  writeStringField(w, 3, rm.schemaUrl);
}

function sizeScopeMetrics(sm: ScopeMetrics, z: SizeList): number {
  let n = sub(z, reserve(z), sizeScope(sm.scope, z));
  for (const metric of sm.metrics) n += sub(z, reserve(z), sizeMetric(metric, z));
  return n + stringField(sm.schemaUrl);
}

function writeScopeMetrics(w: WireWriter, sm: ScopeMetrics): void {
  w.tag(1, 2);
  w.len();
  writeScope(w, sm.scope);
  for (const metric of sm.metrics) {
    w.tag(2, 2);
    w.len();
    writeMetric(w, metric);
  }
  writeStringField(w, 3, sm.schemaUrl);
}

function sizePoints<P>(points: P[], z: SizeList, size: (p: P, z: SizeList) => number): number {
  let n = 0;
  for (const p of points) n += sub(z, reserve(z), size(p, z));
  return n;
}

function writePoints<P>(w: WireWriter, points: P[], write: (w: WireWriter, p: P) => void): void {
  for (const p of points) {
    w.tag(1, 2);
    w.len();
    write(w, p);
  }
}

function sizeMetric(m: Metric, z: SizeList): number {
  let n = stringField(m.name) + stringField(m.description) + stringField(m.unit);
  if (m.gauge) n += sub(z, reserve(z), sizePoints(m.gauge.dataPoints, z, sizeNumberPoint));
  else if (m.sum) {
    const slot = reserve(z);
    const body =
      sizePoints(m.sum.dataPoints, z, sizeNumberPoint) +
      u32Field(m.sum.aggregationTemporality) +
      (m.sum.isMonotonic ? 2 : 0);
    n += sub(z, slot, body);
  } else if (m.histogram) {
    const slot = reserve(z);
    const body =
      sizePoints(m.histogram.dataPoints, z, sizeHistogramPoint) + u32Field(m.histogram.aggregationTemporality);
    n += sub(z, slot, body);
  } else if (m.exponentialHistogram) {
    const h = m.exponentialHistogram;
    const slot = reserve(z);
    n += sub(z, slot, sizePoints(h.dataPoints, z, sizeExponentialPoint) + u32Field(h.aggregationTemporality));
  } else if (m.summary) n += sub(z, reserve(z), sizePoints(m.summary.dataPoints, z, sizeSummaryPoint));
  return n + sizeAttributes(m.metadata, z);
}

function writeMetric(w: WireWriter, m: Metric): void {
  writeStringField(w, 1, m.name);
  writeStringField(w, 2, m.description);
  writeStringField(w, 3, m.unit);
  if (m.gauge) {
    w.tag(5, 2);
    w.len();
    writePoints(w, m.gauge.dataPoints, writeNumberPoint);
  } else if (m.sum) {
    w.tag(7, 2);
    w.len();
    writePoints(w, m.sum.dataPoints, writeNumberPoint);
    writeU32(w, 2, m.sum.aggregationTemporality);
    if (m.sum.isMonotonic) {
      w.tag(3, 0);
      w.uint32(1);
    }
  } else if (m.histogram) {
    w.tag(9, 2);
    w.len();
    writePoints(w, m.histogram.dataPoints, writeHistogramPoint);
    writeU32(w, 2, m.histogram.aggregationTemporality);
  } else if (m.exponentialHistogram) {
    w.tag(10, 2);
    w.len();
    writePoints(w, m.exponentialHistogram.dataPoints, writeExponentialPoint);
    writeU32(w, 2, m.exponentialHistogram.aggregationTemporality);
  } else if (m.summary) {
    w.tag(11, 2);
    w.len();
    writePoints(w, m.summary.dataPoints, writeSummaryPoint);
  }
  writeAttributes(w, 12, m.metadata);
}
