// OTLP/JSON -> data model, message by message (readers in json-read.ts). Same policy as the
// protobuf path: strings must be valid Unicode, ids the right length, AnyValues at most
// `maxAnyValueDepth` deep; unknown fields are ignored.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import type { LogRecord, LogsData } from '../model/logs.ts';
import type { Span, SpanEvent, SpanLink, TracesData } from '../model/traces.ts';
import {
  asObject,
  checkString,
  enumField,
  field,
  I64_MAX,
  I64_MIN,
  idField,
  type JsonObject,
  listField,
  objectField,
  stringField,
  toBigInt,
  toBytes,
  toDouble,
  uint32Field,
  uint64Field,
  within,
} from './json-read.ts';
import { WireError } from './wire-error.ts';

export const JsonOptions = { maxAnyValueDepth: 64 };

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
export const TEMPORALITIES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];
const SEVERITIES = [
  'UNSPECIFIED',
  'TRACE',
  'TRACE2',
  'TRACE3',
  'TRACE4',
  'DEBUG',
  'DEBUG2',
  'DEBUG3',
  'DEBUG4',
  'INFO',
  'INFO2',
  'INFO3',
  'INFO4',
  'WARN',
  'WARN2',
  'WARN3',
  'WARN4',
  'ERROR',
  'ERROR2',
  'ERROR3',
  'ERROR4',
  'FATAL',
  'FATAL2',
  'FATAL3',
  'FATAL4',
].map((s) => `SEVERITY_NUMBER_${s}`);

export function parseAnyValue(v: unknown, depth: number): AnyValue {
  if (depth > JsonOptions.maxAnyValueDepth)
    throw new WireError(`nested deeper than ${JsonOptions.maxAnyValueDepth} levels`);
  if (v === undefined || v === null) return {};
  const o = asObject(v);
  // Each member read once: json.ts compares the fields read with the keys in the text.
  let x = field(o, 'stringValue', 'string_value');
  if (x !== undefined) {
    if (typeof x !== 'string') throw new WireError('expected a string').within('stringValue');
    return { stringValue: within('stringValue', () => checkString(x as string)) };
  }
  x = field(o, 'boolValue', 'bool_value');
  if (x !== undefined) {
    if (typeof x !== 'boolean') throw new WireError('expected true or false').within('boolValue');
    return { boolValue: x };
  }
  x = field(o, 'intValue', 'int_value');
  if (x !== undefined) return { intValue: toBigInt(x, 'intValue', I64_MIN, I64_MAX) };
  x = field(o, 'doubleValue', 'double_value');
  if (x !== undefined) return { doubleValue: toDouble(x, 'doubleValue') };
  x = field(o, 'arrayValue', 'array_value');
  if (x !== undefined) {
    const list = within('arrayValue', () => asObject(x));
    return {
      arrayValue: {
        values: within('arrayValue', () => listField(list, 'values', undefined, (e) => parseAnyValue(e, depth + 1))),
      },
    };
  }
  x = field(o, 'kvlistValue', 'kvlist_value');
  if (x !== undefined) {
    const list = within('kvlistValue', () => asObject(x));
    return {
      kvlistValue: {
        values: within('kvlistValue', () => listField(list, 'values', undefined, (e) => parseKeyValue(e, depth))),
      },
    };
  }
  x = field(o, 'bytesValue', 'bytes_value');
  if (x !== undefined) return { bytesValue: toBytes(x, 'bytesValue') };
  return {};
}

/** `depth` is that of the AnyValue holding this pair (0 for attributes). */
function parseKeyValue(v: unknown, depth: number): KeyValue {
  const o = asObject(v);
  return { key: stringField(o, 'key'), value: within('value', () => parseAnyValue(field(o, 'value'), depth + 1)) };
}

export const attributes = (o: JsonObject, camel = 'attributes', snake?: string): KeyValue[] =>
  listField(o, camel, snake, (e) => parseKeyValue(e, 0));

function parseResource(o: JsonObject | undefined): Resource {
  if (o === undefined) return { attributes: [], droppedAttributesCount: 0 };
  return {
    attributes: attributes(o),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function parseScope(o: JsonObject | undefined): InstrumentationScope {
  if (o === undefined) return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  return {
    name: stringField(o, 'name'),
    version: stringField(o, 'version'),
    attributes: attributes(o),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

/** The ResourceX / ScopeX envelopes are alike for all three signals. */
export function envelopes<T>(
  root: JsonObject,
  names: [string, string, string, string, string, string],
  item: (v: unknown) => T,
) {
  const [resourceCamel, resourceSnake, scopeCamel, scopeSnake, itemCamel, itemSnake] = names;
  return listField(root, resourceCamel, resourceSnake, (rv) => {
    const r = asObject(rv);
    return {
      resource: within('resource', () => parseResource(objectField(r, 'resource'))),
      scopes: listField(r, scopeCamel, scopeSnake, (sv) => {
        const s = asObject(sv);
        return {
          scope: within('scope', () => parseScope(objectField(s, 'scope'))),
          items: listField(s, itemCamel, itemSnake, item),
          schemaUrl: stringField(s, 'schemaUrl', 'schema_url'),
        };
      }),
      schemaUrl: stringField(r, 'schemaUrl', 'schema_url'),
    };
  });
}

export function parseTracesJson(root: JsonObject): TracesData {
  const list = envelopes(
    root,
    ['resourceSpans', 'resource_spans', 'scopeSpans', 'scope_spans', 'spans', 'spans'],
    parseSpan,
  );
  return {
    resourceSpans: list.map((r) => ({
      resource: r.resource,
      scopeSpans: r.scopes.map((s) => ({ scope: s.scope, spans: s.items, schemaUrl: s.schemaUrl })),
      schemaUrl: r.schemaUrl,
    })),
  };
}

function parseSpan(v: unknown): Span {
  const o = asObject(v);
  const status = objectField(o, 'status');
  return {
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceState: stringField(o, 'traceState', 'trace_state'),
    parentSpanId: idField(o, 'parentSpanId', 'parent_span_id', 8),
    flags: uint32Field(o, 'flags'),
    name: stringField(o, 'name'),
    kind: enumField(o, 'kind', 'kind', SPAN_KINDS),
    startTimeUnixNano: uint64Field(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    endTimeUnixNano: uint64Field(o, 'endTimeUnixNano', 'end_time_unix_nano'),
    attributes: attributes(o),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    events: listField(o, 'events', undefined, parseEvent),
    droppedEventsCount: uint32Field(o, 'droppedEventsCount', 'dropped_events_count'),
    links: listField(o, 'links', undefined, parseLink),
    droppedLinksCount: uint32Field(o, 'droppedLinksCount', 'dropped_links_count'),
    status: within('status', () => ({
      message: status ? stringField(status, 'message') : '',
      code: status ? enumField(status, 'code', 'code', STATUS_CODES) : 0,
    })),
  };
}

function parseEvent(v: unknown): SpanEvent {
  const o = asObject(v);
  return {
    timeUnixNano: uint64Field(o, 'timeUnixNano', 'time_unix_nano'),
    name: stringField(o, 'name'),
    attributes: attributes(o),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function parseLink(v: unknown): SpanLink {
  const o = asObject(v);
  return {
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceState: stringField(o, 'traceState', 'trace_state'),
    attributes: attributes(o),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    flags: uint32Field(o, 'flags'),
  };
}

export function parseLogsJson(root: JsonObject): LogsData {
  const list = envelopes(
    root,
    ['resourceLogs', 'resource_logs', 'scopeLogs', 'scope_logs', 'logRecords', 'log_records'],
    parseLogRecord,
  );
  return {
    resourceLogs: list.map((r) => ({
      resource: r.resource,
      scopeLogs: r.scopes.map((s) => ({ scope: s.scope, logRecords: s.items, schemaUrl: s.schemaUrl })),
      schemaUrl: r.schemaUrl,
    })),
  };
}

/** A present body is kept even when empty (`"body":{}`); null or no key is no body. */
function parseBody(v: unknown): AnyValue | undefined {
  return v === undefined ? undefined : within('body', () => parseAnyValue(v, 1));
}

function parseLogRecord(v: unknown): LogRecord {
  const o = asObject(v);
  return {
    timeUnixNano: uint64Field(o, 'timeUnixNano', 'time_unix_nano'),
    observedTimeUnixNano: uint64Field(o, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    severityNumber: enumField(o, 'severityNumber', 'severity_number', SEVERITIES),
    severityText: stringField(o, 'severityText', 'severity_text'),
    body: parseBody(field(o, 'body')),
    attributes: attributes(o),
    droppedAttributesCount: uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'),
    flags: uint32Field(o, 'flags'),
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    eventName: stringField(o, 'eventName', 'event_name'),
  };
}
