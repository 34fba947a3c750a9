// Full decoder of logs/v1 messages into the data model (see decode-common.ts for the rules).
import type { AnyValue } from '../model/common.ts';
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../model/logs.ts';
import {
  decodeAnyValue,
  NO_ATTRIBUTES,
  readAttributes,
  decodeResource,
  decodeScope,
  emptyResource,
  emptyScope,
  unknownField,
} from './decode-common.ts';
import { readId } from './decode-ids.ts';
import { readString } from './decode-strings.ts';
import { LogRecordSpec, ResourceLogsSpec, ScopeLogsSpec } from './schema.ts';
import { WireError } from './wire-error.ts';
import type { WireReader } from './wire-reader.ts';

export function decodeLogsFrom(r: WireReader, end: number): LogsData {
  const resourceLogs: ResourceLogs[] = [];
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) resourceLogs.push(decodeResourceLogs(r, r.lengthEnd(end)));
    else if (tag >>> 3 === 1) throw new WireError(`wire type ${tag & 7} not expected`);
    else r.skip(tag, end);
  }
  return { resourceLogs };
}

function decodeResourceLogs(r: WireReader, end: number): ResourceLogs {
  const out: ResourceLogs = { resource: emptyResource(), scopeLogs: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) out.resource = decodeResource(r, r.lengthEnd(end));
    else if (tag === ((2 << 3) | 2)) out.scopeLogs.push(decodeScopeLogs(r, r.lengthEnd(end)));
    else if (tag === ((3 << 3) | 2)) out.schemaUrl = readString(r, end);
    else unknownField(r, tag, end, ResourceLogsSpec);
  }
  return out;
}

function decodeScopeLogs(r: WireReader, end: number): ScopeLogs {
  const out: ScopeLogs = { scope: emptyScope(), logRecords: [], schemaUrl: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) out.scope = decodeScope(r, r.lengthEnd(end));
    else if (tag === ((2 << 3) | 2)) out.logRecords.push(decodeLogRecord(r, r.lengthEnd(end)));
    else if (tag === ((3 << 3) | 2)) out.schemaUrl = readString(r, end);
    else unknownField(r, tag, end, ScopeLogsSpec);
  }
  return out;
}

// Built as one literal at the end, from locals, as decode-traces.ts does for spans.
function decodeLogRecord(r: WireReader, end: number): LogRecord {
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue | undefined;
  let attributes = NO_ATTRIBUTES;
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 1:
        timeUnixNano = r.fixed64(end);
        break;
      case (11 << 3) | 1:
        observedTimeUnixNano = r.fixed64(end);
        break;
      case (2 << 3) | 0:
        severityNumber = r.int32(end);
        break;
      case (3 << 3) | 2:
        severityText = readString(r, end);
        break;
      case (5 << 3) | 2:
        body = decodeAnyValue(r, r.lengthEnd(end), 1);
        break;
      case (6 << 3) | 2:
        attributes = readAttributes(r, end, tag, attributes);
        break;
      case (7 << 3) | 0:
        droppedAttributesCount = r.uint32(end);
        break;
      case (8 << 3) | 5:
        flags = r.fixed32(end);
        break;
      case (9 << 3) | 2:
        traceId = readId(r, end, 16);
        break;
      case (10 << 3) | 2:
        spanId = readId(r, end, 8);
        break;
      case (12 << 3) | 2:
        eventName = readString(r, end);
        break;
      default:
        unknownField(r, tag, end, LogRecordSpec);
    }
  }
  return {
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body,
    attributes: attributes === NO_ATTRIBUTES ? [] : attributes,
    droppedAttributesCount,
    flags,
    traceId,
    spanId,
    eventName,
  };
}
