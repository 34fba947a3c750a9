// Encoding of the messages every signal shares. Each message has a size function (payload length,
// nested lengths recorded in pre-order into `z`) and a write function that walks in the same order.
// Default values are omitted as proto3 does; oneof members (AnyValue) are always written.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import {
  lenField,
  reserve,
  stringField,
  sub,
  utf8Length,
  varint64Size,
  varintSize,
  type SizeList,
  type WireWriter,
} from './wire-writer.ts';

const STRING = 1;
const BOOL = 2;
const INT = 3;
const DOUBLE = 4;
const ARRAY = 5;
const KVLIST = 6;
const BYTES = 7;

/** Which AnyValue member is set (its field number), 0 for none. */
function anyValueKind(v: AnyValue): number {
  if ('stringValue' in v) return STRING;
  if ('intValue' in v) return INT;
  if ('boolValue' in v) return BOOL;
  if ('doubleValue' in v) return DOUBLE;
  if ('arrayValue' in v) return ARRAY;
  if ('kvlistValue' in v) return KVLIST;
  if ('bytesValue' in v) return BYTES;
  return 0;
}

export function sizeAnyValue(v: AnyValue, z: SizeList): number {
  switch (anyValueKind(v)) {
    case STRING:
      return lenField(utf8Length((v as { stringValue: string }).stringValue));
    case BOOL:
      return 2;
    case INT:
      return 1 + varint64Size((v as { intValue: bigint }).intValue);
    case DOUBLE:
      return 9;
    case ARRAY: {
      const slot = reserve(z);
      let n = 0;
      for (const item of (v as { arrayValue: { values: AnyValue[] } }).arrayValue.values) {
        n += sub(z, reserve(z), sizeAnyValue(item, z));
      }
      return sub(z, slot, n);
    }
    case KVLIST: {
      const slot = reserve(z);
      return sub(z, slot, sizeAttributes((v as { kvlistValue: { values: KeyValue[] } }).kvlistValue.values, z));
    }
    case BYTES:
      return lenField((v as { bytesValue: Uint8Array }).bytesValue.length);
    default:
      return 0;
  }
}

export function writeAnyValue(w: WireWriter, v: AnyValue): void {
  switch (anyValueKind(v)) {
    case STRING:
      w.tag(1, 2);
      w.string((v as { stringValue: string }).stringValue);
      return;
    case BOOL:
      w.tag(2, 0);
      w.uint32((v as { boolValue: boolean }).boolValue ? 1 : 0);
      return;
    case INT:
      w.tag(3, 0);
      w.uint64((v as { intValue: bigint }).intValue);
      return;
    case DOUBLE:
      w.tag(4, 1);
      w.double((v as { doubleValue: number }).doubleValue);
      return;
    case ARRAY:
      w.tag(5, 2);
      w.len();
      for (const item of (v as { arrayValue: { values: AnyValue[] } }).arrayValue.values) {
        w.tag(1, 2);
        w.len();
        writeAnyValue(w, item);
      }
      return;
    case KVLIST:
      w.tag(6, 2);
      w.len();
      writeAttributes(w, 1, (v as { kvlistValue: { values: KeyValue[] } }).kvlistValue.values);
      return;
    case BYTES:
      w.tag(7, 2);
      w.bytes((v as { bytesValue: Uint8Array }).bytesValue);
      return;
  }
}

function sizeKeyValue(kv: KeyValue, z: SizeList): number {
  return stringField(kv.key) + sub(z, reserve(z), sizeAnyValue(kv.value, z));
}

function writeKeyValue(w: WireWriter, kv: KeyValue): void {
  if (kv.key.length > 0) {
    w.tag(1, 2);
    w.string(kv.key);
  }
  w.tag(2, 2);
  w.len();
  writeAnyValue(w, kv.value);
}

/** Size of a repeated KeyValue field (any field number below 16). */
export function sizeAttributes(list: KeyValue[], z: SizeList): number {
  let n = 0;
  for (const kv of list) n += sub(z, reserve(z), sizeKeyValue(kv, z));
  return n;
}

export function writeAttributes(w: WireWriter, field: number, list: KeyValue[]): void {
  for (const kv of list) {
    w.tag(field, 2);
    w.len();
    writeKeyValue(w, kv);
  }
}

/** Size of a uint32/int32 field with a 1-byte tag, 0 when zero (omitted). */
export function u32Field(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(n);
}

/** Size of a fixed64 field with a 1-byte tag, 0 when zero (omitted). */
export function f64Field(n: bigint): number {
  return n === 0n ? 0 : 9;
}

export function writeU32(w: WireWriter, field: number, n: number): void {
  if (n === 0) return;
  w.tag(field, 0);
  w.int32(n);
}

export function writeFixed64(w: WireWriter, field: number, n: bigint): void {
  if (n === 0n) return;
  w.tag(field, 1);
  w.fixed64(n);
}

export function writeStringField(w: WireWriter, field: number, s: string): void {
  if (s.length === 0) return;
  w.tag(field, 2);
  w.string(s);
}

export function sizeResource(res: Resource, z: SizeList): number {
  return sizeAttributes(res.attributes, z) + u32Field(res.droppedAttributesCount);
}

export function writeResource(w: WireWriter, res: Resource): void {
  writeAttributes(w, 1, res.attributes);
  writeU32(w, 2, res.droppedAttributesCount);
}

export function sizeScope(scope: InstrumentationScope, z: SizeList): number {
  return (
    stringField(scope.name) +
    stringField(scope.version) +
    sizeAttributes(scope.attributes, z) +
    u32Field(scope.droppedAttributesCount)
  );
}

export function writeScope(w: WireWriter, scope: InstrumentationScope): void {
  writeStringField(w, 1, scope.name);
  writeStringField(w, 2, scope.version);
  writeAttributes(w, 3, scope.attributes);
  writeU32(w, 4, scope.droppedAttributesCount);
}
