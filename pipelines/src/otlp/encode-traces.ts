// Encoder of trace/v1 messages (see encode-common.ts for the two-pass scheme).
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TracesData } from '../model/traces.ts';
import {
  f64Field,
  sizeAttributes,
  sizeResource,
  sizeScope,
  u32Field,
  writeAttributes,
  writeFixed64,
  writeResource,
  writeScope,
  writeStringField,
  writeU32,
} from './encode-common.ts';
import { idField, reserve, stringField, sub, type SizeList, type WireWriter } from './wire-writer.ts';

export function sizeTraces(data: TracesData, z: SizeList): number {
  let n = 0;
  for (const rs of data.resourceSpans) n += sub(z, reserve(z), sizeResourceSpans(rs, z));
  return n;
}

export function writeTraces(w: WireWriter, data: TracesData): void {
  for (const rs of data.resourceSpans) {
    w.tag(1, 2);
    w.len();
    writeResourceSpans(w, rs);
  }
}

function sizeResourceSpans(rs: ResourceSpans, z: SizeList): number {
  let n = sub(z, reserve(z), sizeResource(rs.resource, z));
  for (const ss of rs.scopeSpans) n += sub(z, reserve(z), sizeScopeSpans(ss, z));
  return n + stringField(rs.schemaUrl);
}

function writeResourceSpans(w: WireWriter, rs: ResourceSpans): void {
  w.tag(1, 2);
  w.len();
  writeResource(w, rs.resource);
  for (const ss of rs.scopeSpans) {
    w.tag(2, 2);
    w.len();
    writeScopeSpans(w, ss);
  }
  writeStringField(w, 3, rs.schemaUrl);
}

function sizeScopeSpans(ss: ScopeSpans, z: SizeList): number {
  let n = sub(z, reserve(z), sizeScope(ss.scope, z));
  for (const span of ss.spans) n += sub(z, reserve(z), sizeSpan(span, z));
  return n + stringField(ss.schemaUrl);
}

function writeScopeSpans(w: WireWriter, ss: ScopeSpans): void {
  w.tag(1, 2);
  w.len();
  writeScope(w, ss.scope);
  for (const span of ss.spans) {
    w.tag(2, 2);
    w.len();
    writeSpan(w, span);
  }
  writeStringField(w, 3, ss.schemaUrl);
}

function hasStatus(span: Span): boolean {
  return span.status.code !== 0 || span.status.message.length > 0;
}

function sizeSpan(span: Span, z: SizeList): number {
  let n =
    idField(span.traceId, 16, 'traceId') +
    idField(span.spanId, 8, 'spanId') +
    stringField(span.traceState) +
    idField(span.parentSpanId, 8, 'parentSpanId') +
    stringField(span.name) +
    u32Field(span.kind) +
    f64Field(span.startTimeUnixNano) +
    f64Field(span.endTimeUnixNano) +
    sizeAttributes(span.attributes, z) +
    u32Field(span.droppedAttributesCount);
  for (const event of span.events) n += sub(z, reserve(z), sizeEvent(event, z));
  n += u32Field(span.droppedEventsCount);
  for (const link of span.links) n += sub(z, reserve(z), sizeLink(link, z));
  n += u32Field(span.droppedLinksCount);
  if (hasStatus(span)) n += sub(z, reserve(z), stringField(span.status.message) + u32Field(span.status.code));
  if (span.flags !== 0) n += 6; // field 16: 2-byte tag + fixed32
  return n;
}

function writeSpan(w: WireWriter, span: Span): void {
  if (span.traceId.length > 0) {
    w.tag(1, 2);
    w.hexId(span.traceId);
  }
  if (span.spanId.length > 0) {
    w.tag(2, 2);
    w.hexId(span.spanId);
  }
  writeStringField(w, 3, span.traceState);
  if (span.parentSpanId.length > 0) {
    w.tag(4, 2);
    w.hexId(span.parentSpanId);
  }
  writeStringField(w, 5, span.name);
  writeU32(w, 6, span.kind);
  writeFixed64(w, 7, span.startTimeUnixNano);
  writeFixed64(w, 8, span.endTimeUnixNano);
  writeAttributes(w, 9, span.attributes);
  writeU32(w, 10, span.droppedAttributesCount);
  for (const event of span.events) {
    w.tag(11, 2);
    w.len();
    writeEvent(w, event);
  }
  writeU32(w, 12, span.droppedEventsCount);
  for (const link of span.links) {
    w.tag(13, 2);
    w.len();
    writeLink(w, link);
  }
  writeU32(w, 14, span.droppedLinksCount);
  if (hasStatus(span)) {
    w.tag(15, 2);
    w.len();
    writeStringField(w, 2, span.status.message);
    writeU32(w, 3, span.status.code);
  }
  if (span.flags !== 0) {
    w.tag(16, 5);
    w.fixed32(span.flags);
  }
}

function sizeEvent(event: SpanEvent, z: SizeList): number {
  return (
    f64Field(event.timeUnixNano) +
    stringField(event.name) +
    sizeAttributes(event.attributes, z) +
    u32Field(event.droppedAttributesCount)
  );
}

function writeEvent(w: WireWriter, event: SpanEvent): void {
  writeFixed64(w, 1, event.timeUnixNano);
  writeStringField(w, 2, event.name);
  writeAttributes(w, 3, event.attributes);
  writeU32(w, 4, event.droppedAttributesCount);
}

function sizeLink(link: SpanLink, z: SizeList): number {
  return (
    idField(link.traceId, 16, 'links.traceId') +
    idField(link.spanId, 8, 'links.spanId') +
    stringField(link.traceState) +
    sizeAttributes(link.attributes, z) +
    u32Field(link.droppedAttributesCount) +
    (link.flags !== 0 ? 5 : 0)
  );
}

function writeLink(w: WireWriter, link: SpanLink): void {
  if (link.traceId.length > 0) {
    w.tag(1, 2);
    w.hexId(link.traceId);
  }
  if (link.spanId.length > 0) {
    w.tag(2, 2);
    w.hexId(link.spanId);
  }
  writeStringField(w, 3, link.traceState);
  writeAttributes(w, 4, link.attributes);
  writeU32(w, 5, link.droppedAttributesCount);
  if (link.flags !== 0) {
    w.tag(6, 5);
    w.fixed32(link.flags);
  }
}
