// Full decoder of trace/v1 messages into the data model (see decode-common.ts for the rules).
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, SpanStatus, TracesData } from '../model/traces.ts';
import {
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
  NO_ATTRIBUTES,
  readAttributes,
  unknownField,
} from './decode-common.ts';
import { readId } from './decode-ids.ts';
import { readString } from './decode-strings.ts';
import { EventSpec, LinkSpec, ResourceSpansSpec, ScopeSpansSpec, SpanSpec, StatusSpec } from './schema.ts';
import { WireError } from './wire-error.ts';
import type { WireReader } from './wire-reader.ts';

export function decodeTracesFrom(r: WireReader, end: number): TracesData {
  const resourceSpans: ResourceSpans[] = [];
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) resourceSpans.push(decodeResourceSpans(r, r.lengthEnd(end)));
    else if (tag >>> 3 === 1) throw new WireError(`wire type ${tag & 7} not expected`);
    else r.skip(tag, end);
  }
  return { resourceSpans };
}

function decodeResourceSpans(r: WireReader, end: number): ResourceSpans {
  const out: ResourceSpans = { resource: emptyResource(), scopeSpans: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) out.resource = decodeResource(r, r.lengthEnd(end));
    else if (tag === ((2 << 3) | 2)) out.scopeSpans.push(decodeScopeSpans(r, r.lengthEnd(end)));
    else if (tag === ((3 << 3) | 2)) out.schemaUrl = readString(r, end);
    else unknownField(r, tag, end, ResourceSpansSpec);
  }
  return out;
}

function decodeScopeSpans(r: WireReader, end: number): ScopeSpans {
  const out: ScopeSpans = { scope: emptyScope(), spans: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) out.scope = decodeScope(r, r.lengthEnd(end));
    else if (tag === ((2 << 3) | 2)) out.spans.push(decodeSpan(r, r.lengthEnd(end)));
    else if (tag === ((3 << 3) | 2)) out.schemaUrl = readString(r, end);
    else unknownField(r, tag, end, ScopeSpansSpec);
  }
  return out;
}

// Items are built as one object literal at the end, from locals: every Span (SpanEvent, SpanLink)
// gets the same shape in one allocation, and a default status or attribute array is made only when the
// message lacks the field, instead of a default that a decoded one then replaces.
function decodeSpan(r: WireReader, end: number): Span {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  let attributes = NO_ATTRIBUTES;
  let droppedAttributesCount = 0;
  const events: SpanEvent[] = [];
  let droppedEventsCount = 0;
  const links: SpanLink[] = [];
  let droppedLinksCount = 0;
  let status: SpanStatus | undefined;
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 2:
        traceId = readId(r, end, 16);
        break;
      case (2 << 3) | 2:
        spanId = readId(r, end, 8);
        break;
      case (3 << 3) | 2:
        traceState = readString(r, end);
        break;
      case (4 << 3) | 2:
        parentSpanId = readId(r, end, 8);
        break;
      case (5 << 3) | 2:
        name = readString(r, end);
        break;
      case (6 << 3) | 0:
        kind = r.int32(end);
        break;
      case (7 << 3) | 1:
        startTimeUnixNano = r.fixed64(end);
        break;
      case (8 << 3) | 1:
        endTimeUnixNano = r.fixed64(end);
        break;
      case (9 << 3) | 2:
        attributes = readAttributes(r, end, tag, attributes);
        break;
      case (10 << 3) | 0:
        droppedAttributesCount = r.uint32(end);
        break;
      case (11 << 3) | 2:
        events.push(decodeEvent(r, r.lengthEnd(end)));
        break;
      case (12 << 3) | 0:
        droppedEventsCount = r.uint32(end);
        break;
      case (13 << 3) | 2:
        links.push(decodeLink(r, r.lengthEnd(end)));
        break;
      case (14 << 3) | 0:
        droppedLinksCount = r.uint32(end);
        break;
      case (15 << 3) | 2:
        status = decodeStatus(r, r.lengthEnd(end));
        break;
      case (16 << 3) | 5:
        flags = r.fixed32(end);
        break;
      default:
        unknownField(r, tag, end, SpanSpec);
    }
  }
  return {
    traceId,
    spanId,
    traceState,
    parentSpanId,
    flags,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes: attributes === NO_ATTRIBUTES ? [] : attributes,
    droppedAttributesCount,
    events,
    droppedEventsCount,
    links,
    droppedLinksCount,
    status: status === undefined ? { message: '', code: 0 } : status,
  };
}

function decodeEvent(r: WireReader, end: number): SpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  let attributes = NO_ATTRIBUTES;
  let droppedAttributesCount = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 1:
        timeUnixNano = r.fixed64(end);
        break;
      case (2 << 3) | 2:
        name = readString(r, end);
        break;
      case (3 << 3) | 2:
        attributes = readAttributes(r, end, tag, attributes);
        break;
      case (4 << 3) | 0:
        droppedAttributesCount = r.uint32(end);
        break;
      default:
        unknownField(r, tag, end, EventSpec);
    }
  }
  return { timeUnixNano, name, attributes: attributes === NO_ATTRIBUTES ? [] : attributes, droppedAttributesCount };
}

function decodeLink(r: WireReader, end: number): SpanLink {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let attributes = NO_ATTRIBUTES;
  let droppedAttributesCount = 0;
  let flags = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 2:
        traceId = readId(r, end, 16);
        break;
      case (2 << 3) | 2:
        spanId = readId(r, end, 8);
        break;
      case (3 << 3) | 2:
        traceState = readString(r, end);
        break;
      case (4 << 3) | 2:
        attributes = readAttributes(r, end, tag, attributes);
        break;
      case (5 << 3) | 0:
        droppedAttributesCount = r.uint32(end);
        break;
      case (6 << 3) | 5:
        flags = r.fixed32(end);
        break;
      default:
        unknownField(r, tag, end, LinkSpec);
    }
  }
  return {
    traceId,
    spanId,
    traceState,
    attributes: attributes === NO_ATTRIBUTES ? [] : attributes,
    droppedAttributesCount,
    flags,
  };
}

function decodeStatus(r: WireReader, end: number): SpanStatus {
  let message = '';
  let code = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((2 << 3) | 2)) message = readString(r, end);
    else if (tag === ((3 << 3) | 0)) code = r.int32(end);
    else unknownField(r, tag, end, StatusSpec);
  }
  return { message, code };
}
