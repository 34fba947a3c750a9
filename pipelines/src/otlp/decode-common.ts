// Decoding of the messages every signal shares (AnyValue, KeyValue, Resource, InstrumentationScope)
// and of string and id fields. Rules match the scanner exactly: wrong wire types on known fields,
// invalid UTF-8, ids of the wrong length and AnyValues nested too deep are refused; unknown fields
// are skipped. Decoders throw bare WireErrors; decode.ts re-scans to name the path.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../model/common.ts';
import { AnyValueSpec, type MessageSpec } from './schema.ts';
import { WireError } from './wire-error.ts';
import { checkUtf8, type WireReader } from './wire-reader.ts';

export const DecodeOptions = { maxAnyValueDepth: 64 };

/** Skips an unknown field; a known field with an unexpected wire type is an error. */
export function unknownField(r: WireReader, tag: number, end: number, spec: MessageSpec): void {
  if (spec.fields[tag >>> 3] !== undefined) throw new WireError(`wire type ${tag & 7} not expected`);
  r.skip(tag, end);
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function readString(r: WireReader, end: number): string {
  const stringEnd = r.lengthEnd(end);
  const buf = r.buf;
  const start = r.pos;
  r.pos = stringEnd;
  if (stringEnd - start <= 32) {
    let s = '';
    for (let i = start; i < stringEnd; i++) {
      const c = buf[i];
      if (c >= 0x80) {
        checkUtf8(buf, start, stringEnd);
        return decoder.decode(buf.subarray(start, stringEnd));
      }
      s += String.fromCharCode(c);
    }
    return s;
  }
  checkUtf8(buf, start, stringEnd);
  return decoder.decode(buf.subarray(start, stringEnd));
}

// Attribute keys repeat in every item ("http.request.method" on every span): a small table of
// recently seen ASCII keys returns the same string instead of building a new one each time.
const KEY_TABLE_SIZE = 1024;
const keyTable: (string | undefined)[] = new Array(KEY_TABLE_SIZE).fill(undefined);

export function readKey(r: WireReader, end: number): string {
  const keyEnd = r.lengthEnd(end);
  const buf = r.buf;
  const start = r.pos;
  const length = keyEnd - start;
  if (length > 64) return readStringAt(r, start, keyEnd);
  let hash = length;
  for (let i = start; i < keyEnd; i++) {
    const c = buf[i];
    if (c >= 0x80) return readStringAt(r, start, keyEnd);
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  r.pos = keyEnd;
  const slot = (hash >>> 0) & (KEY_TABLE_SIZE - 1);
  const cached = keyTable[slot];
  if (cached !== undefined && cached.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (cached.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  let key = '';
  for (let i = start; i < keyEnd; i++) key += String.fromCharCode(buf[i]);
  keyTable[slot] = key;
  return key;
}

function readStringAt(r: WireReader, start: number, end: number): string {
  r.pos = end;
  checkUtf8(r.buf, start, end);
  return decoder.decode(r.buf.subarray(start, end));
}

export function readBytes(r: WireReader, end: number): Uint8Array {
  const bytesEnd = r.lengthEnd(end);
  const copy = r.buf.slice(r.pos, bytesEnd);
  r.pos = bytesEnd;
  return copy;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Reads an id field as lowercase hex; `size` is 16 for trace ids, 8 for span ids; empty is allowed. */
export function readId(r: WireReader, end: number, size: number): string {
  const idEnd = r.lengthEnd(end);
  const length = idEnd - r.pos;
  if (length === 0) return '';
  if (length !== size) throw new WireError(`${size === 16 ? 'trace' : 'span'} id of ${length} bytes, expected ${size}`);
  const buf = r.buf;
  let hex = '';
  for (let i = r.pos; i < idEnd; i++) hex += HEX[buf[i]];
  r.pos = idEnd;
  return hex;
}

export function readBool(r: WireReader, end: number): boolean {
  r.varint64(end);
  return (r.lo | r.hi) !== 0;
}

export function decodeAnyValue(r: WireReader, end: number, depth: number): AnyValue {
  if (depth > DecodeOptions.maxAnyValueDepth) {
    throw new WireError(`nested deeper than ${DecodeOptions.maxAnyValueDepth} levels`);
  }
  let value: AnyValue = {};
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | 2:
        value = { stringValue: readString(r, end) };
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
  return value;
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
  let value: AnyValue = {};
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) key = readKey(r, end);
    else if (tag === ((2 << 3) | 2)) value = decodeAnyValue(r, r.lengthEnd(end), depth + 1);
    else if (tag >>> 3 === 1 || tag >>> 3 === 2) throw new WireError(`wire type ${tag & 7} not expected`);
    else r.skip(tag, end);
  }
  return { key, value };
}

export function decodeResource(r: WireReader, end: number): Resource {
  const resource: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 2)) resource.attributes.push(decodeKeyValue(r, r.lengthEnd(end), 0));
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
        scope.attributes.push(decodeKeyValue(r, r.lengthEnd(end), 0));
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
