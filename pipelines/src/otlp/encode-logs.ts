// Encoder of logs/v1 messages (see encode-common.ts for the two-pass scheme).
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../model/logs.ts';
import {
  f64Field,
  sizeAnyValue,
  sizeAttributes,
  sizeResource,
  sizeScope,
  u32Field,
  writeAnyValue,
  writeAttributes,
  writeFixed64,
  writeResource,
  writeScope,
  writeStringField,
  writeU32,
} from './encode-common.ts';
import { idField, reserve, stringField, sub, type SizeList, type WireWriter } from './wire-writer.ts';

export function sizeLogs(data: LogsData, z: SizeList): number {
  let n = 0;
  for (const rl of data.resourceLogs) n += sub(z, reserve(z), sizeResourceLogs(rl, z));
  return n;
}

export function writeLogs(w: WireWriter, data: LogsData): void {
  for (const rl of data.resourceLogs) {
    w.tag(1, 2);
    w.len();
    writeResourceLogs(w, rl);
  }
}

function sizeResourceLogs(rl: ResourceLogs, z: SizeList): number {
  let n = sub(z, reserve(z), sizeResource(rl.resource, z));
  for (const sl of rl.scopeLogs) n += sub(z, reserve(z), sizeScopeLogs(sl, z));
  return n + stringField(rl.schemaUrl);
}

function writeResourceLogs(w: WireWriter, rl: ResourceLogs): void {
  w.tag(1, 2);
  w.len();
  writeResource(w, rl.resource);
  for (const sl of rl.scopeLogs) {
    w.tag(2, 2);
    w.len();
    writeScopeLogs(w, sl);
  }
  writeStringField(w, 3, rl.schemaUrl);
}

function sizeScopeLogs(sl: ScopeLogs, z: SizeList): number {
  let n = sub(z, reserve(z), sizeScope(sl.scope, z));
  for (const log of sl.logRecords) n += sub(z, reserve(z), sizeLogRecord(log, z));
  return n + stringField(sl.schemaUrl);
}

function writeScopeLogs(w: WireWriter, sl: ScopeLogs): void {
  w.tag(1, 2);
  w.len();
  writeScope(w, sl.scope);
  for (const log of sl.logRecords) {
    w.tag(2, 2);
    w.len();
    writeLogRecord(w, log);
  }
  writeStringField(w, 3, sl.schemaUrl);
}

function sizeLogRecord(log: LogRecord, z: SizeList): number {
  let n = f64Field(log.timeUnixNano) + f64Field(log.observedTimeUnixNano) + u32Field(log.severityNumber);
  n += stringField(log.severityText);
  if (log.body !== undefined) n += sub(z, reserve(z), sizeAnyValue(log.body, z));
  return (
    n +
    sizeAttributes(log.attributes, z) +
    u32Field(log.droppedAttributesCount) +
    (log.flags !== 0 ? 5 : 0) +
    idField(log.traceId, 16, 'traceId') +
    idField(log.spanId, 8, 'spanId') +
    stringField(log.eventName)
  );
}

function writeLogRecord(w: WireWriter, log: LogRecord): void {
  writeFixed64(w, 1, log.timeUnixNano);
  writeFixed64(w, 11, log.observedTimeUnixNano);
  writeU32(w, 2, log.severityNumber);
  writeStringField(w, 3, log.severityText);
  if (log.body !== undefined) {
    w.tag(5, 2);
    w.len();
    writeAnyValue(w, log.body);
  }
  writeAttributes(w, 6, log.attributes);
  writeU32(w, 7, log.droppedAttributesCount);
  if (log.flags !== 0) {
    w.tag(8, 5);
    w.fixed32(log.flags);
  }
  if (log.traceId.length > 0) {
    w.tag(9, 2);
    w.hexId(log.traceId);
  }
  if (log.spanId.length > 0) {
    w.tag(10, 2);
    w.hexId(log.spanId);
  }
  writeStringField(w, 12, log.eventName);
}
