// Encodes a filelog batch to an ExportLogsServiceRequest, byte for byte what the generic encoder
// (encodeLogs(batch.toLogsData())) writes, without its generic two-pass walk: every record of a
// file carries the same attribute list, so it is encoded once per file and copied, and bodies are
// measured and written by Buffer's native UTF-8 routines. Hot path: this runs for every line.
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import { varintSize, writeVarint } from '@otelgate/pipelines/otlp/wire-writer.ts';
import type { LogBatch } from './log-batch.ts';

const SCOPE_NAME = 'otelgate/filelog';
/** ScopeLogs.scope: InstrumentationScope { name } (what LogBatch puts there). */
const SCOPE_FIELD = Buffer.concat([
  Buffer.from([0x0a, 2 + SCOPE_NAME.length, 0x0a, SCOPE_NAME.length]),
  Buffer.from(SCOPE_NAME),
]);

/** Encoded repeated-KeyValue entries of an attribute list, by field number; undefined for value kinds not handled here. */
const entriesCache = new WeakMap<KeyValue[], Buffer | null>();

function anyValueBytes(value: AnyValue): Buffer | undefined {
  if ('stringValue' in value) return lengthDelimited(0x0a, Buffer.from(value.stringValue, 'utf8'));
  if ('intValue' in value && value.intValue >= 0n && value.intValue <= BigInt(Number.MAX_SAFE_INTEGER)) {
    const n = Number(value.intValue);
    const out = Buffer.allocUnsafe(1 + varintSize(n));
    out[0] = 0x18;
    writeVarint(out, 1, n);
    return out;
  }
  return undefined;
}

function lengthDelimited(tag: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + varintSize(payload.length) + payload.length);
  out[0] = tag;
  const at = writeVarint(out, 1, payload.length);
  payload.copy(out, at);
  return out;
}

/** `field` entries (tag, length, KeyValue) for every attribute; cached per list for field 6. */
function attributeEntries(list: KeyValue[], field: number): Buffer | undefined {
  if (field === 6) {
    const cached = entriesCache.get(list);
    if (cached !== undefined) return cached ?? undefined;
  }
  const parts: Buffer[] = [];
  for (const kv of list) {
    const value = anyValueBytes(kv.value);
    if (!value) {
      if (field === 6) entriesCache.set(list, null);
      return undefined;
    }
    const key = kv.key.length > 0 ? lengthDelimited(0x0a, Buffer.from(kv.key, 'utf8')) : Buffer.alloc(0);
    parts.push(lengthDelimited((field << 3) | 2, Buffer.concat([key, lengthDelimited(0x12, value)])));
  }
  const entries = Buffer.concat(parts);
  if (field === 6) entriesCache.set(list, entries);
  return entries;
}

function fieldSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** Size of a record's encoding, or -1 when it needs the generic encoder. */
function recordSize(record: LogRecord, attributes: Buffer): number {
  if (record.droppedAttributesCount !== 0 || record.flags !== 0 || record.traceId || record.spanId || record.eventName)
    return -1;
  const body = record.body as { stringValue?: string };
  if (typeof body.stringValue !== 'string') return -1;
  let n = (record.timeUnixNano !== 0n ? 9 : 0) + (record.observedTimeUnixNano !== 0n ? 9 : 0);
  if (record.severityNumber !== 0) n += 1 + varintSize(record.severityNumber);
  if (record.severityText.length > 0) n += fieldSize(Buffer.byteLength(record.severityText, 'utf8'));
  n += fieldSize(fieldSize(Buffer.byteLength(body.stringValue, 'utf8')));
  return n + attributes.length;
}

export function encodeBatch(batch: LogBatch): Uint8Array {
  // First pass: sizes of every record, scope and resource.
  const groups: { resource: Buffer; records: LogRecord[]; attributes: Buffer[]; sizes: number[]; scope: number }[] = [];
  let total = 0;
  for (const [reader, group] of batch.groups) {
    if (group.records.length === 0) continue;
    const resource = attributeEntries(reader.resourceAttributes, 1);
    if (!resource) return encodeLogs(batch.toLogsData());
    const sizes: number[] = [];
    const attributes: Buffer[] = [];
    let scope = SCOPE_FIELD.length;
    for (const record of group.records) {
      const entries = attributeEntries(record.attributes, 6);
      const size = entries ? recordSize(record, entries) : -1;
      if (size < 0 || !entries) return encodeLogs(batch.toLogsData());
      sizes.push(size);
      attributes.push(entries);
      scope += fieldSize(size);
    }
    const resourceLogs = fieldSize(resource.length) + fieldSize(scope);
    total += fieldSize(resourceLogs);
    groups.push({ resource, records: group.records, attributes, sizes, scope });
  }
  // Second pass: write.
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  const header = (tag: number, length: number) => {
    out[pos++] = tag;
    pos = writeVarint(out, pos, length);
  };
  for (const group of groups) {
    header(0x0a, fieldSize(group.resource.length) + fieldSize(group.scope));
    header(0x0a, group.resource.length);
    pos += group.resource.copy(out, pos);
    header(0x12, group.scope);
    pos += SCOPE_FIELD.copy(out, pos);
    for (let i = 0; i < group.records.length; i++) {
      const record = group.records[i];
      header(0x12, group.sizes[i]);
      if (record.timeUnixNano !== 0n) {
        out[pos++] = 0x09;
        out.writeBigUInt64LE(BigInt.asUintN(64, record.timeUnixNano), pos);
        pos += 8;
      }
      if (record.observedTimeUnixNano !== 0n) {
        out[pos++] = 0x59;
        out.writeBigUInt64LE(BigInt.asUintN(64, record.observedTimeUnixNano), pos);
        pos += 8;
      }
      if (record.severityNumber !== 0) {
        out[pos++] = 0x10;
        pos = writeVarint(out, pos, record.severityNumber);
      }
      if (record.severityText.length > 0) {
        header(0x1a, Buffer.byteLength(record.severityText, 'utf8'));
        pos += out.write(record.severityText, pos, 'utf8');
      }
      const body = (record.body as { stringValue: string }).stringValue;
      const bodyLength = Buffer.byteLength(body, 'utf8');
      header(0x2a, fieldSize(bodyLength));
      header(0x0a, bodyLength);
      pos += out.write(body, pos, 'utf8');
      pos += group.attributes[i].copy(out, pos);
    }
  }
  if (pos !== total) throw new Error(`filelog encoder wrote ${pos} bytes, sized ${total}`);
  return out;
}
