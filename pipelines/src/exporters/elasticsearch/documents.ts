// OTLP spans and log records to Elasticsearch documents and their deterministic `_id`s.
// Attributes stay flat under `attributes` / `resource.attributes` (dotted keys; the
// templates map those objects with subobjects:false). Enrichment (geo, error fields) is
// lifted to top-level fields with explicit mappings.
import { createHash } from 'node:crypto';
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import type { Span } from '@otelgate/pipelines/model/traces.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS = ['unset', 'ok', 'error'];
const LIFTED = ['error.type', 'otelgate.error.category', 'otelgate.error.fingerprint'];

export function isoNanos(nanos: bigint): string {
  const ms = nanos / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  const subMs = String(nanos % 1_000_000n).padStart(6, '0');
  return `${iso.slice(0, 23)}${subMs}Z`;
}

export function anyValueToJson(value: AnyValue, depth = 0): Json {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) {
    const n = value.intValue;
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
  }
  if ('doubleValue' in value) return Number.isFinite(value.doubleValue) ? value.doubleValue : String(value.doubleValue);
  if ('boolValue' in value) return value.boolValue;
  if ('bytesValue' in value) return Buffer.from(value.bytesValue).toString('base64');
  if (depth > 16) return null;
  if ('arrayValue' in value) return value.arrayValue.values.map((v) => anyValueToJson(v, depth + 1));
  if ('kvlistValue' in value) {
    const out: Record<string, Json> = Object.create(null);
    for (const kv of value.kvlistValue.values) out[kv.key] = anyValueToJson(kv.value, depth + 1);
    return out;
  }
  return null;
}

/** Flat attribute map (no prototype, so `__proto__` keys are plain keys). */
export function attributesObject(attributes: KeyValue[]): Record<string, Json> {
  const out: Record<string, Json> = Object.create(null);
  for (const kv of attributes) {
    const v = anyValueToJson(kv.value);
    if (v !== null) out[kv.key] = v;
  }
  return out;
}

/** Lifts geo and error attributes (record first, then resource) to their mapped fields. */
function enrich(doc: Record<string, Json>, record: Record<string, Json>, resource: Record<string, Json>): void {
  const pick = (key: string) => record[key] ?? resource[key];
  const lat = pick('geo.location.lat');
  const lon = pick('geo.location.lon');
  const geo: Record<string, Json> = {};
  if (typeof lat === 'number' && typeof lon === 'number') geo.location = { lat, lon };
  for (const key of [
    'geo.continent.code',
    'geo.country.iso_code',
    'geo.region.iso_code',
    'geo.locality.name',
    'geo.postal_code',
  ]) {
    const v = pick(key);
    if (v !== undefined) geo[key.slice(4)] = v;
  }
  if (Object.keys(geo).length > 0) doc.geo = geo;
  for (const key of LIFTED) {
    const v = record[key];
    if (v !== undefined) doc[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
}

function serviceName(resource: Record<string, Json>): string {
  const name = resource['service.name'];
  return typeof name === 'string' ? name : 'unknown_service';
}

export interface ResourceContext {
  attributes: Record<string, Json>;
  scope: { name: string; version: string };
}

export function spanDocument(span: Span, resource: ResourceContext): Record<string, Json> {
  const attributes = attributesObject(span.attributes);
  const doc: Record<string, Json> = {
    '@timestamp': isoNanos(span.startTimeUnixNano),
    end_timestamp: isoNanos(span.endTimeUnixNano),
    'trace.id': span.traceId,
    'span.id': span.spanId,
    'parent.id': span.parentSpanId,
    name: span.name,
    kind: KINDS[span.kind] ?? String(span.kind),
    'status.code': STATUS[span.status.code] ?? String(span.status.code),
    'status.message': span.status.message,
    'duration.ns': Number(span.endTimeUnixNano - span.startTimeUnixNano),
    'service.name': serviceName(resource.attributes),
    'scope.name': resource.scope.name,
    'scope.version': resource.scope.version,
    attributes,
    'resource.attributes': resource.attributes,
    events: span.events.map((e) => ({
      time: isoNanos(e.timeUnixNano),
      name: e.name,
      attributes: attributesObject(e.attributes),
    })),
    links: span.links.map((l) => ({
      'trace.id': l.traceId,
      'span.id': l.spanId,
      attributes: attributesObject(l.attributes),
    })),
  };
  if (span.traceState) doc['trace.state'] = span.traceState;
  enrich(doc, attributes, resource.attributes);
  return doc;
}

function bodyText(body: AnyValue | undefined): string {
  if (body === undefined) return '';
  if ('stringValue' in body) return body.stringValue;
  const v = anyValueToJson(body);
  return v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

export function logDocument(record: LogRecord, resource: ResourceContext): Record<string, Json> {
  const attributes = attributesObject(record.attributes);
  const time = record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
  const doc: Record<string, Json> = {
    '@timestamp': isoNanos(time),
    observed_timestamp: isoNanos(record.observedTimeUnixNano),
    'severity.text': record.severityText,
    'severity.number': record.severityNumber,
    body: bodyText(record.body),
    'service.name': serviceName(resource.attributes),
    'scope.name': resource.scope.name,
    'scope.version': resource.scope.version,
    attributes,
    'resource.attributes': resource.attributes,
  };
  if (record.traceId) doc['trace.id'] = record.traceId;
  if (record.spanId) doc['span.id'] = record.spanId;
  if (record.eventName) doc['event.name'] = record.eventName;
  enrich(doc, attributes, resource.attributes);
  return doc;
}

/** Span ids: trace id + span id (unique by definition); else a hash of the document. */
export function spanDocumentId(span: Span, json: string): string {
  return span.traceId && span.spanId ? `${span.traceId}${span.spanId}` : contentId(json);
}

/** Log ids: a hash over the record's identity, i.e. its whole serialized document. */
export function contentId(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 32);
}
