// Full decoder of trace/v1 messages into the data model (see decode-common.ts for the rules).
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, SpanStatus, TracesData } from '../model/traces.ts';
import {
  decodeKeyValue,
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
  readId,
  readString,
  unknownField,
} from './decode-common.ts';
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

function decodeSpan(r: WireReader, end: number): Span {
  const span: Span = {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 2:
        span.traceId = readId(r, end, 16);
        break;
      case (2 << 3) | 2:
        span.spanId = readId(r, end, 8);
        break;
      case (3 << 3) | 2:
        span.traceState = readString(r, end);
        break;
      case (4 << 3) | 2:
        span.parentSpanId = readId(r, end, 8);
        break;
      case (5 << 3) | 2:
        span.name = readString(r, end);
        break;
      case (6 << 3) | 0:
        span.kind = r.int32(end);
        break;
      case (7 << 3) | 1:
        span.startTimeUnixNano = r.fixed64(end);
        break;
      case (8 << 3) | 1:
        span.endTimeUnixNano = r.fixed64(end);
        break;
      case (9 << 3) | 2:
        span.attributes.push(decodeKeyValue(r, r.lengthEnd(end), 0));
        break;
      case (10 << 3) | 0:
        span.droppedAttributesCount = r.uint32(end);
        break;
      case (11 << 3) | 2:
        span.events.push(decodeEvent(r, r.lengthEnd(end)));
        break;
      case (12 << 3) | 0:
        span.droppedEventsCount = r.uint32(end);
        break;
      case (13 << 3) | 2:
        span.links.push(decodeLink(r, r.lengthEnd(end)));
        break;
      case (14 << 3) | 0:
        span.droppedLinksCount = r.uint32(end);
        break;
      case (15 << 3) | 2:
        span.status = decodeStatus(r, r.lengthEnd(end));
        break;
      case (16 << 3) | 5:
        span.flags = r.fixed32(end);
        break;
      default:
        unknownField(r, tag, end, SpanSpec);
    }
  }
  return span;
}

function decodeEvent(r: WireReader, end: number): SpanEvent {
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 1:
        event.timeUnixNano = r.fixed64(end);
        break;
      case (2 << 3) | 2:
        event.name = readString(r, end);
        break;
      case (3 << 3) | 2:
        event.attributes.push(decodeKeyValue(r, r.lengthEnd(end), 0));
        break;
      case (4 << 3) | 0:
        event.droppedAttributesCount = r.uint32(end);
        break;
      default:
        unknownField(r, tag, end, EventSpec);
    }
  }
  return event;
}

function decodeLink(r: WireReader, end: number): SpanLink {
  const link: SpanLink = {
    traceId: '',
    spanId: '',
    traceState: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 2:
        link.traceId = readId(r, end, 16);
        break;
      case (2 << 3) | 2:
        link.spanId = readId(r, end, 8);
        break;
      case (3 << 3) | 2:
        link.traceState = readString(r, end);
        break;
      case (4 << 3) | 2:
        link.attributes.push(decodeKeyValue(r, r.lengthEnd(end), 0));
        break;
      case (5 << 3) | 0:
        link.droppedAttributesCount = r.uint32(end);
        break;
      case (6 << 3) | 5:
        link.flags = r.fixed32(end);
        break;
      default:
        unknownField(r, tag, end, LinkSpec);
    }
  }
  return link;
}

function decodeStatus(r: WireReader, end: number): SpanStatus {
  const status: SpanStatus = { message: '', code: 0 };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((2 << 3) | 2)) status.message = readString(r, end);
    else if (tag === ((3 << 3) | 0)) status.code = r.int32(end);
    else unknownField(r, tag, end, StatusSpec);
  }
  return status;
}
