// The ingest hot path: validate an Export*ServiceRequest without decoding it. Walks the
// framing of every nested message against the tables in schema.ts, checks UTF-8 of every
// string, the length of every trace/span id and the AnyValue depth, counts spans / data points /
// log records, and notes per resource its byte range and a hash. It allocates one object per
// resource entry and one Int32Array per request, nothing per item.
import type { Signal } from '../model/common.ts';
import { AnyValueSpec, Kind, KeyValueSpec, type MessageSpec, RESOURCE_ENTRY } from './schema.ts';
import { toInvalidArgument, WireError } from './wire-error.ts';
import { checkUtf8, WireReader, WireType } from './wire-reader.ts';

export interface ScanLimits {
  /** AnyValue nesting allowed (an attribute's value is level 1). Default 64. */
  maxAnyValueDepth?: number;
  /** Attributes allowed on one resource, scope, span, event, link, data point, exemplar or log record. Default unlimited. */
  maxAttributesPerItem?: number;
}

export interface ResourceSlice {
  /** Byte range of the ResourceSpans/Metrics/Logs entry in the request, field tag and length included. */
  start: number;
  end: number;
  itemCount: number;
  /** FNV-1a (32-bit) of the Resource message bytes: equal resources hash equal. */
  resourceHash: number;
  /** Lowercase hex of the first non-empty span trace id in this entry (traces only), '' when none. */
  firstTraceId: string;
}

export interface ScanResult {
  signal: Signal;
  itemCount: number;
  resources: ResourceSlice[];
  /** Partition key: the first span's trace id for traces, else the first resource's hash (4 bytes, big-endian). */
  key: Uint8Array | undefined;
  /** Traces: the offset in the request of each span's 16-byte trace id (spans with an empty id are left out). */
  traceIdOffsets: Int32Array;
}

export const DEFAULT_MAX_ANY_VALUE_DEPTH = 64;

interface ScanState {
  items: number;
  maxDepth: number;
  maxAttributes: number;
  traceIds: number;
}

// Reused between calls: spans' trace id offsets are collected here and copied out once per request.
let traceIdScratch = new Int32Array(1024);

function recordTraceId(state: ScanState, offset: number): void {
  if (state.traceIds === traceIdScratch.length) {
    const grown = new Int32Array(traceIdScratch.length * 2);
    grown.set(traceIdScratch);
    traceIdScratch = grown;
  }
  traceIdScratch[state.traceIds++] = offset;
}

export function scanExportRequest(signal: Signal, bytes: Uint8Array, limits: ScanLimits = {}): ScanResult {
  const entry = RESOURCE_ENTRY[signal];
  const state: ScanState = {
    items: 0,
    maxDepth: limits.maxAnyValueDepth ?? DEFAULT_MAX_ANY_VALUE_DEPTH,
    maxAttributes: limits.maxAttributesPerItem ?? Number.POSITIVE_INFINITY,
    traceIds: 0,
  };
  const r = new WireReader(bytes);
  const end = bytes.length;
  const resources: ResourceSlice[] = [];
  try {
    while (r.pos < end) {
      const start = r.pos;
      const tag = r.tag(end);
      if (tag >>> 3 !== 1) {
        r.skip(tag, end);
        continue;
      }
      const itemsBefore = state.items;
      const traceIdsBefore = state.traceIds;
      try {
        r.expect(tag, WireType.LEN);
        const entryEnd = r.lengthEnd(end);
        const entryStart = r.pos;
        scanMessage(r, entry.spec, entryEnd, 0, state);
        resources.push({
          start,
          end: entryEnd,
          itemCount: state.items - itemsBefore,
          resourceHash: resourceHash(r, entryStart, entryEnd),
          firstTraceId: state.traceIds > traceIdsBefore ? traceIdHex(bytes, traceIdScratch[traceIdsBefore]) : '',
        });
      } catch (error) {
        throw error instanceof WireError ? error.within(entry.name, resources.length) : error;
      }
    }
  } catch (error) {
    throw toInvalidArgument(error);
  }
  const traceIdOffsets = traceIdScratch.slice(0, state.traceIds);
  let key: Uint8Array | undefined;
  if (traceIdOffsets.length > 0) key = bytes.subarray(traceIdOffsets[0], traceIdOffsets[0] + 16);
  else if (resources.length > 0) key = hashKey(resources[0].resourceHash);
  return { signal, itemCount: state.items, resources, key, traceIdOffsets };
}

function scanMessage(r: WireReader, spec: MessageSpec, end: number, depth: number, state: ScanState): void {
  const start = r.pos;
  const fields = spec.fields;
  let attributes = 0;
  while (r.pos < end) {
    const fieldStart = r.pos;
    const tag = r.tag(end);
    const field = fields[tag >>> 3];
    if (field === undefined) {
      r.skip(tag, end);
      continue;
    }
    try {
      switch (field.kind) {
        case Kind.VARINT:
          r.expect(tag, WireType.VARINT);
          r.skipVarint(end);
          break;
        case Kind.FIXED64:
          r.expect(tag, WireType.I64);
          r.skipFixed(8, end);
          break;
        case Kind.FIXED32:
          r.expect(tag, WireType.I32);
          r.skipFixed(4, end);
          break;
        case Kind.STRING: {
          r.expect(tag, WireType.LEN);
          const stringEnd = r.lengthEnd(end);
          checkUtf8(r.buf, r.pos, stringEnd);
          r.pos = stringEnd;
          break;
        }
        case Kind.BYTES:
          r.expect(tag, WireType.LEN);
          r.pos = r.lengthEnd(end);
          break;
        case Kind.TRACE_ID: {
          r.expect(tag, WireType.LEN);
          const idEnd = r.lengthEnd(end);
          const length = idEnd - r.pos;
          if (length !== 16 && length !== 0) throw new WireError(`trace id of ${length} bytes, expected 16`);
          if (length === 16 && spec.span) recordTraceId(state, r.pos);
          r.pos = idEnd;
          break;
        }
        case Kind.SPAN_ID: {
          r.expect(tag, WireType.LEN);
          const idEnd = r.lengthEnd(end);
          const length = idEnd - r.pos;
          if (length !== 8 && length !== 0) throw new WireError(`span id of ${length} bytes, expected 8`);
          r.pos = idEnd;
          break;
        }
        case Kind.MESSAGE: {
          r.expect(tag, WireType.LEN);
          const nested = field.message!;
          const messageEnd = r.lengthEnd(end);
          let nestedDepth = depth;
          if (nested.anyValue) {
            nestedDepth++;
            if (nestedDepth > state.maxDepth) throw new WireError(`nested deeper than ${state.maxDepth} levels`);
          }
          if (field.attribute && ++attributes > state.maxAttributes) {
            throw new WireError(`more than ${state.maxAttributes} attributes`);
          }
          if (nested === KeyValueSpec) scanKeyValue(r, messageEnd, nestedDepth, state);
          else if (nested === AnyValueSpec) scanAnyValue(r, messageEnd, nestedDepth, state);
          else scanMessage(r, nested, messageEnd, nestedDepth, state);
          if (nested.item) state.items++;
          break;
        }
        case Kind.PACKED_VARINT:
          if ((tag & 7) === WireType.LEN) {
            const packedEnd = r.lengthEnd(end);
            while (r.pos < packedEnd) r.skipVarint(packedEnd);
          } else {
            r.expect(tag, WireType.VARINT);
            r.skipVarint(end);
          }
          break;
        case Kind.PACKED_FIXED64:
          if ((tag & 7) === WireType.LEN) {
            const packedEnd = r.lengthEnd(end);
            if ((packedEnd - r.pos) % 8 !== 0) throw new WireError('packed fixed64 length not a multiple of 8');
            r.pos = packedEnd;
          } else {
            r.expect(tag, WireType.I64);
            r.skipFixed(8, end);
          }
          break;
      }
    } catch (error) {
      if (error instanceof WireError) {
        throw error.within(field.name, field.repeated ? occurrencesBefore(r, start, fieldStart, tag >>> 3) : -1);
      }
      throw error;
    }
  }
}

// KeyValue and AnyValue are most of the bytes of any request: these two walk them without the
// table lookups of scanMessage, and refuse exactly what scanMessage would, with the same paths.

function scanKeyValue(r: WireReader, end: number, depth: number, state: ScanState): void {
  if (depth < state.maxDepth && isPlainKeyValue(r.buf, r.pos, end)) {
    r.pos = end;
    return;
  }
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | WireType.LEN)) {
      const keyEnd = lengthOf(r, end, 'key');
      try {
        checkUtf8(r.buf, r.pos, keyEnd);
      } catch (error) {
        throw (error as WireError).within('key');
      }
      r.pos = keyEnd;
    } else if (tag === ((2 << 3) | WireType.LEN)) {
      const valueEnd = lengthOf(r, end, 'value');
      if (depth + 1 > state.maxDepth) {
        throw new WireError(`nested deeper than ${state.maxDepth} levels`).within('value');
      }
      try {
        scanAnyValue(r, valueEnd, depth + 1, state);
      } catch (error) {
        throw error instanceof WireError ? error.within('value') : error;
      }
    } else if (tag >>> 3 <= 2) {
      throw new WireError(`wire type ${tag & 7}, expected 2`).within(tag >>> 3 === 1 ? 'key' : 'value');
    } else {
      r.skip(tag, end);
    }
  }
}

/**
 * True when buf[start, end) is the shape nearly every attribute has, and valid: a key of under 128
 * ASCII bytes, then a value of under 128 bytes holding one ASCII string, bool, int or double. It
 * reads the bytes directly instead of through WireReader's calls and the AnyValue walk: 1,300 of
 * the 1,500 attributes of the benchmark's 100-span request take it, and its scan went from ~104 to
 * ~84 µs. Anything else, valid or not, returns false and takes the general walk, which refuses
 * with the path; so this never throws and decides nothing but "fine".
 */
function isPlainKeyValue(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 4 || buf[start] !== ((1 << 3) | WireType.LEN)) return false;
  const keyEnd = start + 2 + buf[start + 1];
  // A length byte of 0x80 and more (a longer varint) puts keyEnd past end or onto the wrong byte.
  if (buf[start + 1] >= 0x80 || keyEnd + 2 > end || buf[keyEnd] !== ((2 << 3) | WireType.LEN)) return false;
  const valueStart = keyEnd + 2;
  if (buf[keyEnd + 1] >= 0x80 || valueStart + buf[keyEnd + 1] !== end || valueStart === end) return false;
  if (!isAscii(buf, start + 2, keyEnd)) return false;
  switch (buf[valueStart]) {
    case (1 << 3) | WireType.LEN: // stringValue
      return buf[valueStart + 1] === end - valueStart - 2 && isAscii(buf, valueStart + 2, end);
    case (2 << 3) | WireType.VARINT: // boolValue
    case (3 << 3) | WireType.VARINT: {
      // intValue: a varint of 1 to 10 bytes ending exactly at `end`.
      if (end - valueStart - 1 > 10 || end - valueStart < 2 || buf[end - 1] >= 0x80) return false;
      for (let i = valueStart + 1; i < end - 1; i++) if (buf[i] < 0x80) return false;
      return true;
    }
    case (4 << 3) | WireType.I64: // doubleValue
      return end - valueStart === 9;
    default:
      return false;
  }
}

function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  let bits = 0;
  for (let i = start; i < end; i++) bits |= buf[i];
  return bits < 0x80;
}

function lengthOf(r: WireReader, end: number, name: string): number {
  try {
    return r.lengthEnd(end);
  } catch (error) {
    throw (error as WireError).within(name);
  }
}

function scanAnyValue(r: WireReader, end: number, depth: number, state: ScanState): void {
  while (r.pos < end) {
    const tag = r.tag(end);
    const number = tag >>> 3;
    if (number > 7) {
      r.skip(tag, end);
      continue;
    }
    try {
      switch (number) {
        case 1: {
          r.expect(tag, WireType.LEN);
          const stringEnd = r.lengthEnd(end);
          checkUtf8(r.buf, r.pos, stringEnd);
          r.pos = stringEnd;
          break;
        }
        case 2:
        case 3:
          r.expect(tag, WireType.VARINT);
          r.skipVarint(end);
          break;
        case 4:
          r.expect(tag, WireType.I64);
          r.skipFixed(8, end);
          break;
        case 5:
        case 6: {
          r.expect(tag, WireType.LEN);
          const listEnd = r.lengthEnd(end);
          scanMessage(r, AnyValueSpec.fields[number]!.message!, listEnd, depth, state);
          break;
        }
        case 7:
          r.expect(tag, WireType.LEN);
          r.pos = r.lengthEnd(end);
          break;
      }
    } catch (error) {
      throw error instanceof WireError ? error.within(AnyValueSpec.fields[number]!.name) : error;
    }
  }
}

/** How many times field `number` occurs in [start, before): the index of a repeated field, for error paths. */
function occurrencesBefore(r: WireReader, start: number, before: number, number: number): number {
  const saved = r.pos;
  r.pos = start;
  let count = 0;
  while (r.pos < before) {
    const tag = r.tag(before);
    if (tag >>> 3 === number) count++;
    r.skip(tag, before);
  }
  r.pos = saved;
  return count;
}

/** FNV-1a over the Resource field(s) of one ResourceSpans/Metrics/Logs entry (already validated). */
function resourceHash(r: WireReader, start: number, end: number): number {
  const buf = r.buf;
  let hash = 0x811c9dc5;
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | WireType.LEN)) {
      const resourceEnd = r.lengthEnd(end);
      for (let i = r.pos; i < resourceEnd; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
      r.pos = resourceEnd;
    } else {
      r.skip(tag, end);
    }
  }
  return hash >>> 0;
}

function hashKey(hash: number): Uint8Array {
  const key = new Uint8Array(4);
  new DataView(key.buffer).setUint32(0, hash);
  return key;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of the 16-byte trace id at `offset`. */
export function traceIdHex(bytes: Uint8Array, offset: number): string {
  let hex = '';
  for (let i = offset; i < offset + 16; i++) hex += HEX[bytes[i]];
  return hex;
}

/** Spans per trace id of a scanned request (allocates one string per distinct trace). */
export function countSpansByTraceId(bytes: Uint8Array, scan: ScanResult): Map<string, number> {
  const counts = new Map<string, number>();
  for (const offset of scan.traceIdOffsets) {
    const id = traceIdHex(bytes, offset);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
