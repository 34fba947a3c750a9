// Decoding of the messages every signal shares (AnyValue, KeyValue, Resource, InstrumentationScope)
// and of string and id fields. Rules match the scanner exactly: wrong wire types on known fields,
// invalid UTF-8, ids of the wrong length and AnyValues nested too deep are refused; unknown fields
// are skipped. Decoders throw bare WireErrors; decode.ts re-scans to name the path.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import { AnyValueSpec, type MessageSpec } from './schema.ts';
import { WireError } from './wire-error.ts';
import { readBytes, readKey, readString, readStringValue } from './decode-strings.ts';
import type { WireReader } from './wire-reader.ts';

export const DecodeOptions = { maxAnyValueDepth: 64 };

/** Skips an unknown field; a known field with an unexpected wire type is an error. */
export function unknownField(r: WireReader, tag: number, end: number, spec: MessageSpec): void {
  if (spec.fields[tag >>> 3] !== undefined) throw new WireError(`wire type ${tag & 7} not expected`);
  r.skip(tag, end);
}

export function readBool(r: WireReader, end: number): boolean {
  r.varint64(end);
  return (r.lo | r.hi) !== 0;
}

export function decodeAnyValue(r: WireReader, end: number, depth: number): AnyValue {
  if (depth > DecodeOptions.maxAnyValueDepth) {
    throw new WireError(`nested deeper than ${DecodeOptions.maxAnyValueDepth} levels`);
  }
  // No placeholder object: an AnyValue message almost always holds one field, and `{}` made up
  // front would be garbage every time.
  let value: AnyValue | undefined;
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 2:
        value = { stringValue: readStringValue(r, end) };
        break;
      case (2 << 3) | 0:
        value = { boolValue: readBool(r, end) };
        break;
      case (3 << 3) | 0:
        value = { intValue: r.int64(end) };
        break;
      case (4 << 3) | 1:
        value = { doubleValue: r.double(end) };
        break;
      case (5 << 3) | 2: {
        const arrayEnd = r.lengthEnd(end);
        const values: AnyValue[] = [];
        while (r.pos < arrayEnd) {
          const inner = r.tag(arrayEnd);
          if (inner === ((1 << 3) | 2)) {
            const valueEnd = r.lengthEnd(arrayEnd);
            values.push(decodeAnyValue(r, valueEnd, depth + 1));
          } else if (inner >>> 3 === 1) {
            throw new WireError(`wire type ${inner & 7} not expected`);
          } else {
            r.skip(inner, arrayEnd);
          }
        }
        value = { arrayValue: { values } };
        break;
      }
      case (6 << 3) | 2: {
        const listEnd = r.lengthEnd(end);
        value = { kvlistValue: { values: decodeKeyValues(r, listEnd, 1, depth) } };
        break;
      }
      case (7 << 3) | 2:
        value = { bytesValue: readBytes(r, end) };
        break;
      default:
        unknownField(r, tag, end, AnyValueSpec);
    }
  }
  return value === undefined ? {} : value;
}

/** Reads all occurrences of KeyValue field `field` in [pos, end) — used for a KeyValueList's values. */
function decodeKeyValues(r: WireReader, end: number, field: number, depth: number): KeyValue[] {
  const list: KeyValue[] = [];
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((field << 3) | 2)) list.push(decodeKeyValue(r, r.lengthEnd(end), depth));
    else if (tag >>> 3 === field) throw new WireError(`wire type ${tag & 7} not expected`);
    else r.skip(tag, end);
  }
  return list;
}

/** Decodes one KeyValue; `depth` is the depth of the AnyValue holding it (0 for attributes). */
export function decodeKeyValue(r: WireReader, end: number, depth: number): KeyValue {
  let key = '';
  let value: AnyValue | undefined;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) key = readKey(r, end);
    else if (tag === ((2 << 3) | 2)) value = decodeAnyValue(r, r.lengthEnd(end), depth + 1);
    else if (tag >>> 3 === 1 || tag >>> 3 === 2) throw new WireError(`wire type ${tag & 7} not expected`);
    else r.skip(tag, end);
  }
  return { key, value: value === undefined ? {} : value };
}

// Where readAttributes collects a run before copying it out at its exact size.
const scratch: KeyValue[] = [];

/**
 * Reads an attributes entry (field `tag`, already read) and every entry of the same field that
 * follows it directly, appending them to `list`; returns the list to keep. Encoders write a
 * repeated field's entries together, so an item's attributes are usually one run and come out as
 * one array of exactly their number: pushing onto [] grew its backing store twice for 20
 * attributes (17, then 41 slots) and kept the larger half empty. Not re-entered while collecting:
 * nested KeyValueLists use decodeKeyValues.
 */
export function readAttributes(r: WireReader, end: number, tag: number, list: KeyValue[]): KeyValue[] {
  let n = 0;
  for (;;) {
    scratch[n++] = decodeKeyValue(r, r.lengthEnd(end), 0);
    if (r.pos >= end) break;
    const next = r.pos;
    if (r.tag(end) !== tag) {
      r.pos = next;
      break;
    }
  }
  let out: KeyValue[];
  if (list === NO_ATTRIBUTES || list.length === 0) {
    out = scratch.slice(0, n);
  } else {
    out = list;
    for (let i = 0; i < n; i++) out.push(scratch[i]);
  }
  // Drop the references so the scratch array does not keep decoded data alive.
  for (let i = 0; i < n; i++) scratch[i] = EMPTY_KEY_VALUE;
  return out;
}

const EMPTY_KEY_VALUE: KeyValue = { key: '', value: {} };

/**
 * "No attributes read yet" for a decoder's local: readAttributes then makes an array of the exact
 * size, and the decoder puts a fresh [] in the item if none came. Never handed out: it is shared
 * (and frozen, so a slip would throw rather than leak attributes between items).
 */
export const NO_ATTRIBUTES = Object.freeze([]) as unknown as KeyValue[];

export function decodeResource(r: WireReader, end: number): Resource {
  const resource: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) resource.attributes = readAttributes(r, end, tag, resource.attributes);
    else if (tag === ((2 << 3) | 0)) resource.droppedAttributesCount = r.uint32(end);
    else if (tag >>> 3 === 1 || tag >>> 3 === 2) throw new WireError(`wire type ${tag & 7} not expected`);
    else r.skip(tag, end);
  }
  return resource;
}

export function decodeScope(r: WireReader, end: number): InstrumentationScope {
  const scope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 2:
        scope.name = readString(r, end);
        break;
      case (2 << 3) | 2:
        scope.version = readString(r, end);
        break;
      case (3 << 3) | 2:
        scope.attributes = readAttributes(r, end, tag, scope.attributes);
        break;
      case (4 << 3) | 0:
        scope.droppedAttributesCount = r.uint32(end);
        break;
      default:
        if (tag >>> 3 >= 1 && tag >>> 3 <= 4) throw new WireError(`wire type ${tag & 7} not expected`);
        r.skip(tag, end);
    }
  }
  return scope;
}

export function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}
