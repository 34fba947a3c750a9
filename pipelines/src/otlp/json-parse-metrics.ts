// OTLP/JSON -> data model for metrics/v1 (shared messages and rules in json-parse.ts).
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  SummaryDataPoint,
} from '../model/metrics.ts';
import { attributes, envelopes, TEMPORALITIES } from './json-parse.ts';
import {
  asObject,
  boolField,
  doubleField,
  enumField,
  idField,
  int32Field,
  type JsonObject,
  listField,
  objectField,
  optionalDouble,
  optionalInt64,
  stringField,
  toDouble,
  uint32Field,
  uint64Field,
  uint64List,
  within,
} from './json-read.ts';

export function parseMetricsJson(root: JsonObject): MetricsData {
  const names: [string, string, string, string, string, string] = [
    'resourceMetrics',
    'resource_metrics',
    'scopeMetrics',
    'scope_metrics',
    'metrics',
    'metrics',
  ];
  const list = envelopes(root, names, parseMetric);
  return {
    resourceMetrics: list.map((r) => ({
      resource: r.resource,
      scopeMetrics: r.scopes.map((s) => ({ scope: s.scope, metrics: s.items, schemaUrl: s.schemaUrl })),
      schemaUrl: r.schemaUrl,
    })),
  };
}

const temporality = (o: JsonObject) => enumField(o, 'aggregationTemporality', 'aggregation_temporality', TEMPORALITIES);
const points = <P>(o: JsonObject, parse: (v: unknown) => P): P[] => listField(o, 'dataPoints', 'data_points', parse);

function parseMetric(v: unknown): Metric {
  const o = asObject(v);
  const metric: Metric = {
    name: stringField(o, 'name'),
    description: stringField(o, 'description'),
    unit: stringField(o, 'unit'),
    metadata: attributes(o, 'metadata'),
  };
  const gauge = objectField(o, 'gauge');
  const sum = objectField(o, 'sum');
  const histogram = objectField(o, 'histogram');
  const exponential = objectField(o, 'exponentialHistogram', 'exponential_histogram');
  const summary = objectField(o, 'summary');
  if (gauge) metric.gauge = within('gauge', () => ({ dataPoints: points(gauge, parseNumberPoint) }));
  else if (sum) {
    metric.sum = within('sum', () => ({
      dataPoints: points(sum, parseNumberPoint),
      aggregationTemporality: temporality(sum),
      isMonotonic: boolField(sum, 'isMonotonic', 'is_monotonic'),
    }));
  } else if (histogram) {
    metric.histogram = within('histogram', () => ({
      dataPoints: points(histogram, parseHistogramPoint),
      aggregationTemporality: temporality(histogram),
    }));
  } else if (exponential) {
    metric.exponentialHistogram = within('exponentialHistogram', () => ({
      dataPoints: points(exponential, parseExponentialPoint),
      aggregationTemporality: temporality(exponential),
    }));
  } else if (summary) {
    metric.summary = within('summary', () => ({ dataPoints: points(summary, parseSummaryPoint) }));
  }
  return metric;
}

function pointBase(o: JsonObject) {
  return {
    attributes: attributes(o),
    startTimeUnixNano: uint64Field(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    timeUnixNano: uint64Field(o, 'timeUnixNano', 'time_unix_nano'),
  };
}

/** asDouble / asInt: a oneof, only the member present is set. */
function numberValue(o: JsonObject, target: { asDouble?: number; asInt?: bigint }): void {
  const asDouble = optionalDouble(o, 'asDouble', 'as_double');
  if (asDouble !== undefined) target.asDouble = asDouble;
  else {
    const asInt = optionalInt64(o, 'asInt', 'as_int');
    if (asInt !== undefined) target.asInt = asInt;
  }
}

function parseExemplar(v: unknown): Exemplar {
  const o = asObject(v);
  const e: Exemplar = {
    filteredAttributes: attributes(o, 'filteredAttributes', 'filtered_attributes'),
    timeUnixNano: uint64Field(o, 'timeUnixNano', 'time_unix_nano'),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceId: idField(o, 'traceId', 'trace_id', 16),
  };
  numberValue(o, e);
  return e;
}

function parseNumberPoint(v: unknown): NumberDataPoint {
  const o = asObject(v);
  const p: NumberDataPoint = {
    ...pointBase(o),
    exemplars: listField(o, 'exemplars', undefined, parseExemplar),
    flags: uint32Field(o, 'flags'),
  };
  numberValue(o, p);
  return p;
}

function parseHistogramPoint(v: unknown): HistogramDataPoint {
  const o = asObject(v);
  const p: HistogramDataPoint = {
    ...pointBase(o),
    count: uint64Field(o, 'count'),
    bucketCounts: uint64List(o, 'bucketCounts', 'bucket_counts'),
    explicitBounds: listField(o, 'explicitBounds', 'explicit_bounds', (e) => toDouble(e, 'value')),
    exemplars: listField(o, 'exemplars', undefined, parseExemplar),
    flags: uint32Field(o, 'flags'),
  };
  const sum = optionalDouble(o, 'sum');
  if (sum !== undefined) p.sum = sum;
  const min = optionalDouble(o, 'min');
  if (min !== undefined) p.min = min;
  const max = optionalDouble(o, 'max');
  if (max !== undefined) p.max = max;
  return p;
}

function parseBuckets(o: JsonObject | undefined): ExponentialHistogramBuckets {
  if (o === undefined) return { offset: 0, bucketCounts: [] };
  return { offset: int32Field(o, 'offset'), bucketCounts: uint64List(o, 'bucketCounts', 'bucket_counts') };
}

function parseExponentialPoint(v: unknown): ExponentialHistogramDataPoint {
  const o = asObject(v);
  const p: ExponentialHistogramDataPoint = {
    ...pointBase(o),
    count: uint64Field(o, 'count'),
    scale: int32Field(o, 'scale'),
    zeroCount: uint64Field(o, 'zeroCount', 'zero_count'),
    positive: within('positive', () => parseBuckets(objectField(o, 'positive'))),
    negative: within('negative', () => parseBuckets(objectField(o, 'negative'))),
    flags: uint32Field(o, 'flags'),
    exemplars: listField(o, 'exemplars', undefined, parseExemplar),
    zeroThreshold: doubleField(o, 'zeroThreshold', 'zero_threshold'),
  };
  const sum = optionalDouble(o, 'sum');
  if (sum !== undefined) p.sum = sum;
  const min = optionalDouble(o, 'min');
  if (min !== undefined) p.min = min;
  const max = optionalDouble(o, 'max');
  if (max !== undefined) p.max = max;
  return p;
}

function parseSummaryPoint(v: unknown): SummaryDataPoint {
  const o = asObject(v);
  return {
    ...pointBase(o),
    count: uint64Field(o, 'count'),
    sum: doubleField(o, 'sum'),
    quantileValues: listField(o, 'quantileValues', 'quantile_values', (q) => {
      const qo = asObject(q);
      return { quantile: doubleField(qo, 'quantile'), value: doubleField(qo, 'value') };
    }),
    flags: uint32Field(o, 'flags'),
  };
}
