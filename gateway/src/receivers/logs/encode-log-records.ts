// Encodes log records to an ExportLogsServiceRequest, byte for byte what the generic encoder
// (pipelines/src/otlp/encode.ts) writes for the same LogsData, without its generic two-pass walk:
// the receivers share attribute objects between records (a file's path, a sender's host), so each
// KeyValue is encoded once and copied, and bodies are measured and written by Buffer's native
// UTF-8 routines. Hot path: this runs for every line and message. Returns undefined for what it
// does not handle (then the caller uses the generic encoder).
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { varintSize, writeVarint } from '@otelgate/pipelines/otlp/wire-writer.ts';

export interface RecordGroup {
  resource: KeyValue[];
  /** InstrumentationScope.name (no version, attributes or dropped count). */
  scopeName: string;
  records: LogRecord[];
  /** The records share a few attribute lists (a file's): their encoding is kept per list. */
  sharedAttributeLists: boolean;
}

/** ScopeLogs.scope field: InstrumentationScope { name }. */
export function scopeField(name: string): Buffer {
  return lengthDelimited(0x0a, lengthDelimited(0x0a, Buffer.from(name, 'utf8')));
}

/** A KeyValue's entry in LogRecord.attributes (field 6), kept for KeyValue objects shared between records. */
const entryCache = new WeakMap<KeyValue, Buffer>();
/** A record's attribute entries and their total length, kept per list for lists shared between records (a file's). */
const listCache = new WeakMap<KeyValue[], RecordEntries>();

interface RecordEntries {
  parts: Buffer[];
  length: number;
}

/** A KeyValue's LogRecord.attributes entry (tag, length, KeyValue), encoded once per object. */
function entryOf(kv: KeyValue): Buffer | undefined {
  let entry = entryCache.get(kv);
  if (!entry) {
    const value = kv.value as { stringValue?: unknown };
    if (typeof value.stringValue === 'string') entry = stringEntry(kv.key, value.stringValue);
    else {
      const bytes = keyValueBytes(kv);
      if (!bytes) return undefined;
      entry = lengthDelimited(0x32, bytes);
    }
    entryCache.set(kv, entry);
  }
  return entry;
}

/**
 * What `lengthDelimited(0x32, keyValueBytes(kv))` writes for a string-valued KeyValue, in one
 * allocation instead of six: a syslog message's attributes that change per message (its procid)
 * are encoded here once per message.
 */
function stringEntry(key: string, value: string): Buffer {
  const keyLength = Buffer.byteLength(key, 'utf8');
  const valueLength = Buffer.byteLength(value, 'utf8');
  const anyValueLength = fieldSize(valueLength);
  const keyValueLength = (keyLength > 0 ? fieldSize(keyLength) : 0) + fieldSize(anyValueLength);
  const out = Buffer.allocUnsafe(fieldSize(keyValueLength));
  out[0] = 0x32;
  let pos = writeVarint(out, 1, keyValueLength);
  if (keyLength > 0) {
    out[pos++] = 0x0a;
    pos = writeVarint(out, pos, keyLength);
    pos += out.write(key, pos, 'utf8');
  }
  out[pos++] = 0x12;
  pos = writeVarint(out, pos, anyValueLength);
  out[pos++] = 0x0a;
  pos = writeVarint(out, pos, valueLength);
  out.write(value, pos, 'utf8');
  return out;
}

/** A shared list's LogRecord.attributes entries, without concatenating them (written one after the other). */
function sharedEntries(list: KeyValue[]): RecordEntries | undefined {
  const cached = listCache.get(list);
  if (cached) return cached;
  const parts: Buffer[] = [];
  let length = 0;
  for (const kv of list) {
    const entry = entryOf(kv);
    if (!entry) return undefined;
    parts.push(entry);
    length += entry.length;
  }
  const entries = { parts, length };
  listCache.set(list, entries);
  return entries;
}

/**
 * Encoded length of a record's attribute entries, or -1. A list of its own (a syslog message's)
 * is walked twice (here and when written) rather than collected: no array per record.
 */
function attributesLength(list: KeyValue[], shared: boolean): number {
  if (shared) return sharedEntries(list)?.length ?? -1;
  measuredList = undefined;
  let length = 0;
  for (let i = 0; i < list.length; i++) {
    const entry = entryOf(list[i]);
    if (!entry) return -1;
    measuredEntries[i] = entry;
    length += entry.length;
  }
  if (measuredEntries.length > list.length) measuredEntries.length = list.length;
  measuredList = list;
  return length;
}

/**
 * The entries of the list of its own measured last: LogRecordsWriter writes a record right after
 * measuring it, so they are written from here without looking each KeyValue up again.
 */
let measuredList: KeyValue[] | undefined;
const measuredEntries: Buffer[] = [];

function writeAttributes(out: Buffer, pos: number, list: KeyValue[], shared: boolean): number {
  const parts = shared ? listCache.get(list)!.parts : list === measuredList ? measuredEntries : undefined;
  if (parts) {
    for (const part of parts) {
      out.set(part, pos);
      pos += part.length;
    }
    return pos;
  }
  for (const kv of list) {
    const entry = entryCache.get(kv)!;
    out.set(entry, pos);
    pos += entry.length;
  }
  return pos;
}

function anyValueBytes(value: AnyValue): Buffer | undefined {
  if ('stringValue' in value) return lengthDelimited(0x0a, Buffer.from(value.stringValue, 'utf8'));
  if ('intValue' in value && value.intValue >= 0n && value.intValue <= BigInt(Number.MAX_SAFE_INTEGER)) {
    const n = Number(value.intValue);
    const out = Buffer.allocUnsafe(1 + varintSize(n));
    out[0] = 0x18;
    writeVarint(out, 1, n);
    return out;
  }
  if ('kvlistValue' in value) {
    const entries = attributeEntries(value.kvlistValue.values, 1);
    return entries && lengthDelimited(0x32, entries);
  }
  return undefined;
}

function keyValueBytes(kv: KeyValue): Buffer | undefined {
  const value = anyValueBytes(kv.value);
  if (!value) return undefined;
  const key = kv.key.length > 0 ? lengthDelimited(0x0a, Buffer.from(kv.key, 'utf8')) : Buffer.alloc(0);
  return Buffer.concat([key, lengthDelimited(0x12, value)]);
}

function lengthDelimited(tag: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + varintSize(payload.length) + payload.length);
  out[0] = tag;
  const at = writeVarint(out, 1, payload.length);
  payload.copy(out, at);
  return out;
}

/** `field` entries (tag, length, KeyValue) for every attribute (resource attributes: field 1). */
export function attributeEntries(list: KeyValue[], field: number): Buffer | undefined {
  const parts: Buffer[] = [];
  for (const kv of list) {
    const bytes = keyValueBytes(kv);
    if (!bytes) return undefined;
    parts.push(lengthDelimited((field << 3) | 2, bytes));
  }
  return Buffer.concat(parts);
}

export function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Size of a record's encoding, or -1 when it needs the generic encoder. */
function recordSize(record: LogRecord, attributesLength: number): number {
  if (record.droppedAttributesCount !== 0 || record.flags !== 0 || record.traceId || record.spanId || record.eventName)
    return -1;
  const body = record.body as { stringValue?: string };
  if (typeof body.stringValue !== 'string') return -1;
  let n = (record.timeUnixNano !== 0n ? 9 : 0) + (record.observedTimeUnixNano !== 0n ? 9 : 0);
  if (record.severityNumber !== 0) n += 1 + varintSize(record.severityNumber);
  if (record.severityText.length > 0) n += fieldSize(Buffer.byteLength(record.severityText, 'utf8'));
  n += fieldSize(fieldSize(Buffer.byteLength(body.stringValue, 'utf8')));
  return n + attributesLength;
}

/** The last value written to a fixed64 field and its bytes: times repeat from record to record. */
interface Fixed64 {
  value: bigint;
  bytes: Buffer;
}
const lastTime: Fixed64 = { value: 0n, bytes: Buffer.alloc(8) };
const lastObserved: Fixed64 = { value: 0n, bytes: Buffer.alloc(8) };

function writeFixed64(out: Buffer, pos: number, value: bigint, last: Fixed64): number {
  if (value !== last.value) {
    last.bytes.writeBigUInt64LE(BigInt.asUintN(64, value), 0);
    last.value = value;
  }
  out.set(last.bytes, pos);
  return pos + 8;
}

/** A record's encoded size (LogRecord message), or -1 when it needs the generic encoder. */
export function measureRecord(record: LogRecord, sharedAttributeLists: boolean): number {
  const attributes = attributesLength(record.attributes, sharedAttributeLists);
  return attributes < 0 ? -1 : recordSize(record, attributes);
}

/**
 * Writes the record (its ScopeLogs.log_records field: tag, length, LogRecord) at `pos`, `size`
 * from measureRecord with the same `sharedAttributeLists`; returns the end.
 */
export function writeRecord(
  out: Buffer,
  pos: number,
  record: LogRecord,
  size: number,
  sharedAttributeLists: boolean,
): number {
  out[pos++] = 0x12;
  pos = writeVarint(out, pos, size);
  if (record.timeUnixNano !== 0n) {
    out[pos++] = 0x09;
    pos = writeFixed64(out, pos, record.timeUnixNano, lastTime);
  }
  if (record.observedTimeUnixNano !== 0n) {
    out[pos++] = 0x59;
    pos = writeFixed64(out, pos, record.observedTimeUnixNano, lastObserved);
  }
  if (record.severityNumber !== 0) {
    out[pos++] = 0x10;
    pos = writeVarint(out, pos, record.severityNumber);
  }
  if (record.severityText.length > 0) {
    out[pos++] = 0x1a;
    pos = writeVarint(out, pos, Buffer.byteLength(record.severityText, 'utf8'));
    pos += out.write(record.severityText, pos, 'utf8');
  }
  const body = (record.body as { stringValue: string }).stringValue;
  const bodyLength = Buffer.byteLength(body, 'utf8');
  out[pos++] = 0x2a;
  pos = writeVarint(out, pos, fieldSize(bodyLength));
  out[pos++] = 0x0a;
  pos = writeVarint(out, pos, bodyLength);
  pos += out.write(body, pos, 'utf8');
  return writeAttributes(out, pos, record.attributes, sharedAttributeLists);
}

/**
 * A plain line's record (observed time, the line's bytes as its string body, a shared attribute
 * list): its encoded size, or -1 when the list needs the generic encoder. `bodyLength` counts
 * bytes already known to be valid UTF-8 (they are copied as they are).
 */
export function measureLineRecord(bodyLength: number, observedTimeUnixNano: bigint, attributes: KeyValue[]): number {
  const entries = sharedEntries(attributes);
  if (!entries) return -1;
  return (observedTimeUnixNano !== 0n ? 9 : 0) + fieldSize(fieldSize(bodyLength)) + entries.length;
}

/**
 * Writes what writeRecord writes for a record { observedTimeUnixNano, body: the UTF-8 text of
 * `source[start, end)`, attributes (shared) } without the record or its string: the bytes are copied.
 */
export function writeLineRecord(
  out: Buffer,
  pos: number,
  source: Buffer,
  start: number,
  end: number,
  observedTimeUnixNano: bigint,
  attributes: KeyValue[],
  size: number,
): number {
  out[pos++] = 0x12;
  pos = writeVarint(out, pos, size);
  if (observedTimeUnixNano !== 0n) {
    out[pos++] = 0x59;
    pos = writeFixed64(out, pos, observedTimeUnixNano, lastObserved);
  }
  const bodyLength = end - start;
  out[pos++] = 0x2a;
  pos = writeVarint(out, pos, fieldSize(bodyLength));
  out[pos++] = 0x0a;
  pos = writeVarint(out, pos, bodyLength);
  pos += source.copy(out, pos, start, end);
  return writeAttributes(out, pos, attributes, true);
}

export function encodeLogRecords(input: RecordGroup[]): Uint8Array | undefined {
  // First pass: sizes of every record, scope and resource.
  const groups: {
    resource: Buffer;
    scope: Buffer;
    records: LogRecord[];
    shared: boolean;
    sizes: number[];
    scopeLength: number;
  }[] = [];
  let total = 0;
  for (const { resource: resourceAttributes, scopeName, records, sharedAttributeLists } of input) {
    if (records.length === 0) continue;
    const resource = attributeEntries(resourceAttributes, 1);
    if (!resource) return undefined;
    const scope = scopeField(scopeName);
    const sizes: number[] = [];
    let scopeLength = scope.length;
    for (const record of records) {
      const size = measureRecord(record, sharedAttributeLists);
      if (size < 0) return undefined;
      sizes.push(size);
      scopeLength += fieldSize(size);
    }
    const resourceLogs = fieldSize(resource.length) + fieldSize(scopeLength);
    total += fieldSize(resourceLogs);
    groups.push({ resource, scope, records, shared: sharedAttributeLists, sizes, scopeLength });
  }
  // Second pass: write.
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  const header = (tag: number, length: number) => {
    out[pos++] = tag;
    pos = writeVarint(out, pos, length);
  };
  for (const group of groups) {
    header(0x0a, fieldSize(group.resource.length) + fieldSize(group.scopeLength));
    header(0x0a, group.resource.length);
    pos += group.resource.copy(out, pos);
    header(0x12, group.scopeLength);
    pos += group.scope.copy(out, pos);
    for (let i = 0; i < group.records.length; i++) {
      pos = writeRecord(out, pos, group.records[i], group.sizes[i], group.shared);
    }
  }
  if (pos !== total) throw new Error(`log record encoder wrote ${pos} bytes, sized ${total}`);
  return out;
}
