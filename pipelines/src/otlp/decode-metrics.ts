// Full decoder of metrics/v1 messages into the data model (see decode-common.ts for the rules).
import type { Metric, MetricsData, ResourceMetrics, ScopeMetrics } from '../model/metrics.ts';
import {
  readAttributes,
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
  readBool,
  unknownField,
} from './decode-common.ts';
import { readString } from './decode-strings.ts';
import {
  decodeExponentialPoint,
  decodeHistogramPoint,
  decodeNumberPoint,
  decodeSummaryPoint,
} from './decode-metric-points.ts';
import * as S from './schema.ts';
import { WireError } from './wire-error.ts';
import { type WireReader, WireType } from './wire-reader.ts';

const LEN = WireType.LEN;

export function decodeMetricsFrom(r: WireReader, end: number): MetricsData {
  const resourceMetrics: ResourceMetrics[] = [];
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | LEN)) resourceMetrics.push(decodeResourceMetrics(r, r.lengthEnd(end)));
    else if (tag >>> 3 === 1) throw new WireError(`wire type ${tag & 7} not expected`);
    else r.skip(tag, end);
  }
  return { resourceMetrics };
}

function decodeResourceMetrics(r: WireReader, end: number): ResourceMetrics {
  const out: ResourceMetrics = { resource: emptyResource(), scopeMetrics: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | LEN)) out.resource = decodeResource(r, r.lengthEnd(end));
    else if (tag === ((2 << 3) | LEN)) out.scopeMetrics.push(decodeScopeMetrics(r, r.lengthEnd(end)));
    else if (tag === ((3 << 3) | LEN)) out.schemaUrl = readString(r, end);
    else unknownField(r, tag, end, S.ResourceMetricsSpec);
  }
  return out;
}

function decodeScopeMetrics(r: WireReader, end: number): ScopeMetrics {
  const out: ScopeMetrics = { scope: emptyScope(), metrics: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | LEN)) out.scope = decodeScope(r, r.lengthEnd(end));
    else if (tag === ((2 << 3) | LEN)) out.metrics.push(decodeMetric(r, r.lengthEnd(end)));
    else if (tag === ((3 << 3) | LEN)) out.schemaUrl = readString(r, end);
    else unknownField(r, tag, end, S.ScopeMetricsSpec);
  }
  return out;
}

function decodeMetric(r: WireReader, end: number): Metric {
  const metric: Metric = { name: '', description: '', unit: '', metadata: [] };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | LEN:
        metric.name = readString(r, end);
        break;
      case (2 << 3) | LEN:
        metric.description = readString(r, end);
        break;
      case (3 << 3) | LEN:
        metric.unit = readString(r, end);
        break;
      case (5 << 3) | LEN:
        clearData(metric);
        metric.gauge = { dataPoints: decodePoints(r, r.lengthEnd(end), S.GaugeSpec, decodeNumberPoint).dataPoints };
        break;
      case (7 << 3) | LEN: {
        clearData(metric);
        const sum = decodePoints(r, r.lengthEnd(end), S.SumSpec, decodeNumberPoint);
        metric.sum = {
          dataPoints: sum.dataPoints,
          aggregationTemporality: sum.aggregationTemporality,
          isMonotonic: sum.isMonotonic,
        };
        break;
      }
      case (9 << 3) | LEN: {
        clearData(metric);
        const h = decodePoints(r, r.lengthEnd(end), S.HistogramSpec, decodeHistogramPoint);
        metric.histogram = { dataPoints: h.dataPoints, aggregationTemporality: h.aggregationTemporality };
        break;
      }
      case (10 << 3) | LEN: {
        clearData(metric);
        const h = decodePoints(r, r.lengthEnd(end), S.ExponentialHistogramSpec, decodeExponentialPoint);
        metric.exponentialHistogram = { dataPoints: h.dataPoints, aggregationTemporality: h.aggregationTemporality };
        break;
      }
      case (11 << 3) | LEN:
        clearData(metric);
        metric.summary = {
          dataPoints: decodePoints(r, r.lengthEnd(end), S.SummarySpec, decodeSummaryPoint).dataPoints,
        };
        break;
      case (12 << 3) | LEN:
        metric.metadata = readAttributes(r, end, tag, metric.metadata);
        break;
      default:
        unknownField(r, tag, end, S.MetricSpec);
    }
  }
  return metric;
}

/** The data oneof: the last member on the wire wins, as protobuf requires. */
function clearData(metric: Metric): void {
  delete metric.gauge;
  delete metric.sum;
  delete metric.histogram;
  delete metric.exponentialHistogram;
  delete metric.summary;
}

/** Gauge, Sum, Histogram, ExponentialHistogram and Summary share fields 1..3. */
function decodePoints<P>(
  r: WireReader,
  end: number,
  spec: S.MessageSpec,
  decodePoint: (r: WireReader, end: number) => P,
): { dataPoints: P[]; aggregationTemporality: number; isMonotonic: boolean } {
  const out = { dataPoints: [] as P[], aggregationTemporality: 0, isMonotonic: false };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | LEN)) out.dataPoints.push(decodePoint(r, r.lengthEnd(end)));
    else if (tag === ((2 << 3) | 0) && spec.fields[2]) out.aggregationTemporality = r.int32(end);
    else if (tag === ((3 << 3) | 0) && spec.fields[3]) out.isMonotonic = readBool(r, end);
    else unknownField(r, tag, end, spec);
  }
  return out;
}
