// The OTLP messages as tables (field number -> what the scanner must check), from
// opentelemetry-proto: common/v1, resource/v1, trace/v1, metrics/v1, logs/v1 and the
// collector Export*ServiceRequest messages. The scanner walks these tables; the decoder
// (decode.ts) and encoder (encode.ts) use the same field numbers, spelled out by hand.
import type { Signal } from '../model/common.ts';

export const Kind = {
  VARINT: 0,
  FIXED64: 1,
  FIXED32: 2,
  STRING: 3,
  BYTES: 4,
  /** bytes that must be empty or 16 long */
  TRACE_ID: 5,
  /** bytes that must be empty or 8 long */
  SPAN_ID: 6,
  MESSAGE: 7,
  /** repeated varint, packed or not */
  PACKED_VARINT: 8,
  /** repeated fixed64 / double, packed or not */
  PACKED_FIXED64: 9,
} as const;

export interface FieldSpec {
  readonly number: number;
  readonly name: string;
  readonly kind: number;
  readonly repeated: boolean;
  /** The field counts toward the attributes limit of its message. */
  readonly attribute: boolean;
  message: MessageSpec | undefined;
}

export interface MessageSpec {
  readonly name: string;
  /** Indexed by field number. */
  readonly fields: (FieldSpec | undefined)[];
  /** A span, data point or log record: counted as one item. */
  readonly item: boolean;
  /** An AnyValue: each nesting adds one level of depth. */
  readonly anyValue: boolean;
  /** A span: its trace id is recorded for keying. */
  readonly span: boolean;
}

type FieldDef = [number: number, name: string, kind: number, message?: MessageSpec, repeated?: boolean];

function message(name: string, defs: FieldDef[], flags: Partial<Pick<MessageSpec, 'item' | 'anyValue' | 'span'>> = {}) {
  const spec: MessageSpec = {
    name,
    fields: [],
    item: flags.item ?? false,
    anyValue: flags.anyValue ?? false,
    span: flags.span ?? false,
  };
  define(spec, defs);
  return spec;
}

function define(spec: MessageSpec, defs: FieldDef[]): void {
  for (const [number, name, kind, nested, repeated] of defs) {
    spec.fields[number] = {
      number,
      name,
      kind,
      repeated: repeated ?? false,
      attribute: name === 'attributes',
      message: nested,
    };
  }
}

const { VARINT, FIXED64, FIXED32, STRING, BYTES, TRACE_ID, SPAN_ID, MESSAGE, PACKED_VARINT, PACKED_FIXED64 } = Kind;
const R = true;

// common/v1 — AnyValue, ArrayValue, KeyValueList and KeyValue refer to each other.
export const AnyValueSpec = message('AnyValue', [], { anyValue: true });
export const ArrayValueSpec = message('ArrayValue', [[1, 'values', MESSAGE, AnyValueSpec, R]]);
export const KeyValueSpec = message('KeyValue', [
  [1, 'key', STRING],
  [2, 'value', MESSAGE, AnyValueSpec],
]);
export const KeyValueListSpec = message('KeyValueList', [[1, 'values', MESSAGE, KeyValueSpec, R]]);
define(AnyValueSpec, [
  [1, 'stringValue', STRING],
  [2, 'boolValue', VARINT],
  [3, 'intValue', VARINT],
  [4, 'doubleValue', FIXED64],
  [5, 'arrayValue', MESSAGE, ArrayValueSpec],
  [6, 'kvlistValue', MESSAGE, KeyValueListSpec],
  [7, 'bytesValue', BYTES],
]);
const attributes = (n: number, name = 'attributes'): FieldDef => [n, name, MESSAGE, KeyValueSpec, R];

export const ScopeSpec = message('InstrumentationScope', [
  [1, 'name', STRING],
  [2, 'version', STRING],
  attributes(3),
  [4, 'droppedAttributesCount', VARINT],
]);
// entity_refs (3) is skipped as an unknown field: the data model does not carry it.
export const ResourceSpec = message('Resource', [attributes(1), [2, 'droppedAttributesCount', VARINT]]);

// trace/v1
export const EventSpec = message('Span.Event', [
  [1, 'timeUnixNano', FIXED64],
  [2, 'name', STRING],
  attributes(3),
  [4, 'droppedAttributesCount', VARINT],
]);
export const LinkSpec = message('Span.Link', [
  [1, 'traceId', TRACE_ID],
  [2, 'spanId', SPAN_ID],
  [3, 'traceState', STRING],
  attributes(4),
  [5, 'droppedAttributesCount', VARINT],
  [6, 'flags', FIXED32],
]);
export const StatusSpec = message('Status', [
  [2, 'message', STRING],
  [3, 'code', VARINT],
]);
export const SpanSpec = message(
  'Span',
  [
    [1, 'traceId', TRACE_ID],
    [2, 'spanId', SPAN_ID],
    [3, 'traceState', STRING],
    [4, 'parentSpanId', SPAN_ID],
    [5, 'name', STRING],
    [6, 'kind', VARINT],
    [7, 'startTimeUnixNano', FIXED64],
    [8, 'endTimeUnixNano', FIXED64],
    attributes(9),
    [10, 'droppedAttributesCount', VARINT],
    [11, 'events', MESSAGE, EventSpec, R],
    [12, 'droppedEventsCount', VARINT],
    [13, 'links', MESSAGE, LinkSpec, R],
    [14, 'droppedLinksCount', VARINT],
    [15, 'status', MESSAGE, StatusSpec],
    [16, 'flags', FIXED32],
  ],
  { item: true, span: true },
);
export const ScopeSpansSpec = message('ScopeSpans', [
  [1, 'scope', MESSAGE, ScopeSpec],
  [2, 'spans', MESSAGE, SpanSpec, R],
  [3, 'schemaUrl', STRING],
]);
export const ResourceSpansSpec = message('ResourceSpans', [
  [1, 'resource', MESSAGE, ResourceSpec],
  [2, 'scopeSpans', MESSAGE, ScopeSpansSpec, R],
  [3, 'schemaUrl', STRING],
]);

// metrics/v1
export const ExemplarSpec = message('Exemplar', [
  attributes(7, 'filteredAttributes'),
  [2, 'timeUnixNano', FIXED64],
  [3, 'asDouble', FIXED64],
  [6, 'asInt', FIXED64],
  [4, 'spanId', SPAN_ID],
  [5, 'traceId', TRACE_ID],
]);
const exemplars = (n: number): FieldDef => [n, 'exemplars', MESSAGE, ExemplarSpec, R];
export const NumberDataPointSpec = message(
  'NumberDataPoint',
  [
    attributes(7),
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'asDouble', FIXED64],
    [6, 'asInt', FIXED64],
    exemplars(5),
    [8, 'flags', VARINT],
  ],
  { item: true },
);
export const HistogramDataPointSpec = message(
  'HistogramDataPoint',
  [
    attributes(9),
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'count', FIXED64],
    [5, 'sum', FIXED64],
    [6, 'bucketCounts', PACKED_FIXED64],
    [7, 'explicitBounds', PACKED_FIXED64],
    exemplars(8),
    [10, 'flags', VARINT],
    [11, 'min', FIXED64],
    [12, 'max', FIXED64],
  ],
  { item: true },
);
export const BucketsSpec = message('ExponentialHistogramDataPoint.Buckets', [
  [1, 'offset', VARINT],
  [2, 'bucketCounts', PACKED_VARINT],
]);
export const ExponentialHistogramDataPointSpec = message(
  'ExponentialHistogramDataPoint',
  [
    attributes(1),
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'count', FIXED64],
    [5, 'sum', FIXED64],
    [6, 'scale', VARINT],
    [7, 'zeroCount', FIXED64],
    [8, 'positive', MESSAGE, BucketsSpec],
    [9, 'negative', MESSAGE, BucketsSpec],
    [10, 'flags', VARINT],
    exemplars(11),
    [12, 'min', FIXED64],
    [13, 'max', FIXED64],
    [14, 'zeroThreshold', FIXED64],
  ],
  { item: true },
);
export const ValueAtQuantileSpec = message('SummaryDataPoint.ValueAtQuantile', [
  [1, 'quantile', FIXED64],
  [2, 'value', FIXED64],
]);
export const SummaryDataPointSpec = message(
  'SummaryDataPoint',
  [
    attributes(7),
    [2, 'startTimeUnixNano', FIXED64],
    [3, 'timeUnixNano', FIXED64],
    [4, 'count', FIXED64],
    [5, 'sum', FIXED64],
    [6, 'quantileValues', MESSAGE, ValueAtQuantileSpec, R],
    [8, 'flags', VARINT],
  ],
  { item: true },
);
const points = (spec: MessageSpec): FieldDef => [1, 'dataPoints', MESSAGE, spec, R];
export const GaugeSpec = message('Gauge', [points(NumberDataPointSpec)]);
export const SumSpec = message('Sum', [
  points(NumberDataPointSpec),
  [2, 'aggregationTemporality', VARINT],
  [3, 'isMonotonic', VARINT],
]);
export const HistogramSpec = message('Histogram', [
  points(HistogramDataPointSpec),
  [2, 'aggregationTemporality', VARINT],
]);
export const ExponentialHistogramSpec = message('ExponentialHistogram', [
  points(ExponentialHistogramDataPointSpec),
  [2, 'aggregationTemporality', VARINT],
]);
export const SummarySpec = message('Summary', [points(SummaryDataPointSpec)]);
export const MetricSpec = message('Metric', [
  [1, 'name', STRING],
  [2, 'description', STRING],
  [3, 'unit', STRING],
  [5, 'gauge', MESSAGE, GaugeSpec],
  [7, 'sum', MESSAGE, SumSpec],
  [9, 'histogram', MESSAGE, HistogramSpec],
  [10, 'exponentialHistogram', MESSAGE, ExponentialHistogramSpec],
  [11, 'summary', MESSAGE, SummarySpec],
  attributes(12, 'metadata'),
]);
export const ScopeMetricsSpec = message('ScopeMetrics', [
  [1, 'scope', MESSAGE, ScopeSpec],
  [2, 'metrics', MESSAGE, MetricSpec, R],
  [3, 'schemaUrl', STRING],
]);
export const ResourceMetricsSpec = message('ResourceMetrics', [
  [1, 'resource', MESSAGE, ResourceSpec],
  [2, 'scopeMetrics', MESSAGE, ScopeMetricsSpec, R],
  [3, 'schemaUrl', STRING],
]);

// logs/v1
export const LogRecordSpec = message(
  'LogRecord',
  [
    [1, 'timeUnixNano', FIXED64],
    [11, 'observedTimeUnixNano', FIXED64],
    [2, 'severityNumber', VARINT],
    [3, 'severityText', STRING],
    [5, 'body', MESSAGE, AnyValueSpec],
    attributes(6),
    [7, 'droppedAttributesCount', VARINT],
    [8, 'flags', FIXED32],
    [9, 'traceId', TRACE_ID],
    [10, 'spanId', SPAN_ID],
    [12, 'eventName', STRING],
  ],
  { item: true },
);
export const ScopeLogsSpec = message('ScopeLogs', [
  [1, 'scope', MESSAGE, ScopeSpec],
  [2, 'logRecords', MESSAGE, LogRecordSpec, R],
  [3, 'schemaUrl', STRING],
]);
export const ResourceLogsSpec = message('ResourceLogs', [
  [1, 'resource', MESSAGE, ResourceSpec],
  [2, 'scopeLogs', MESSAGE, ScopeLogsSpec, R],
  [3, 'schemaUrl', STRING],
]);

/** Per signal: the Export*ServiceRequest's repeated field 1 and what it holds. */
export const RESOURCE_ENTRY: Record<Signal, { name: string; spec: MessageSpec; scopeField: string }> = {
  traces: { name: 'resourceSpans', spec: ResourceSpansSpec, scopeField: 'scopeSpans' },
  metrics: { name: 'resourceMetrics', spec: ResourceMetricsSpec, scopeField: 'scopeMetrics' },
  logs: { name: 'resourceLogs', spec: ResourceLogsSpec, scopeField: 'scopeLogs' },
};
