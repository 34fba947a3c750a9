// Re-slicing of Export*ServiceRequests without decoding: one request per resource, parts that fit
// a size limit (a Kafka message), and per-trace requests for keying spans by trace id. Whole
// byte ranges are copied; resource and scope envelopes are repeated in every part.
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import { decodeResource } from './decode-common.ts';
import { splitMetric } from './metric-split.ts';
import {
  buildRequest,
  framed,
  payloadStart,
  type Range,
  type ResourceFrame,
  rangeBytes,
  readFraming,
  type Selection,
  selectionSize,
} from './framing.ts';
import { type ScanResult, scanExportRequest, traceIdHex } from './scan.ts';
import { WireReader } from './wire-reader.ts';

/** One request per resource entry (zero-copy views into `bytes`). */
export function sliceByResource(bytes: Uint8Array, scan: ScanResult): Uint8Array[] {
  return scan.resources.map((r) => bytes.subarray(r.start, r.end));
}

/**
 * Splits a request into parts of at most `maxBytes`, cutting between resources, then between
 * scopes, then between items (spans, metrics, log records). Items keep their order. An item that
 * cannot fit even alone is refused with 'payload-too-large'. Pass the request's scan result when
 * you have it, to skip validating it again.
 */
export function splitToFit(signal: Signal, bytes: Uint8Array, maxBytes: number, scanned?: ScanResult): Uint8Array[] {
  if (scanned === undefined) scanExportRequest(signal, bytes);
  if (bytes.length <= maxBytes) return [bytes];
  const units: Uint8Array[] = [];
  for (const resource of readFraming(bytes)) {
    if (resource.end - resource.start <= maxBytes) units.push(bytes.subarray(resource.start, resource.end));
    else for (const sel of splitResource(signal, bytes, resource, maxBytes)) units.push(buildRequest(bytes, [sel]));
  }
  // Pack the units greedily: concatenated entries of field 1 are themselves a valid request.
  const parts: Uint8Array[] = [];
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  for (const unit of units) {
    if (batchBytes + unit.length > maxBytes && batch.length > 0) {
      parts.push(concat(batch, batchBytes));
      batch = [];
      batchBytes = 0;
    }
    batch.push(unit);
    batchBytes += unit.length;
  }
  if (batch.length > 0) parts.push(concat(batch, batchBytes));
  return parts;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}

/**
 * Selections of one oversized resource entry, each fitting `maxBytes`, items in order. Sizes are
 * kept as running sums (a request can hold millions of tiny items: measuring the selection per
 * added item was quadratic, minutes for one 2 MB request of empty spans).
 */
function splitResource(signal: Signal, bytes: Uint8Array, resource: ResourceFrame, maxBytes: number): Selection[] {
  const selections: Selection[] = [];
  const envelopeBytes = rangeBytes(resource.envelope);
  let current: Selection = { resource, scopes: [] };
  // Framed bytes of the scope entries of `current` before the open one.
  let closedBytes = 0;
  const flush = () => {
    if (current.scopes.length > 0) selections.push(current);
    current = { resource, scopes: [] };
    closedBytes = 0;
  };
  for (const scope of resource.scopes) {
    const scopeEnvelopeBytes = rangeBytes(scope.envelope);
    let open: { scope: typeof scope; items: Range[] } = { scope, items: [] };
    let openItemBytes = 0;
    const startScope = () => {
      open = { scope, items: [] };
      openItemBytes = 0;
      current.scopes.push(open);
    };
    const fits = (extra: number) =>
      framed(envelopeBytes + closedBytes + framed(scopeEnvelopeBytes + openItemBytes + extra)) <= maxBytes;
    const add = (item: Range, length: number) => {
      open.items.push(item);
      openItemBytes += length;
    };
    startScope();
    if (!fits(0)) {
      // Even an empty scope entry does not fit beside what is already here.
      current.scopes.pop();
      flush();
      startScope();
    }
    const pending = scope.items.slice().reverse();
    while (pending.length > 0) {
      const item = pending.pop()!;
      const length = item.end - item.start;
      if (fits(length)) {
        add(item, length);
        continue;
      }
      if (open.items.length > 0 || current.scopes.length > 1) {
        if (open.items.length === 0) current.scopes.pop();
        flush();
        startScope();
        if (fits(length)) {
          add(item, length);
          continue;
        }
      }
      // The item does not fit even alone: a metric can still be cut between its data points.
      const alone = selectionSize({ resource, scopes: [{ scope, items: [] }] });
      const pieces =
        signal === 'metrics' && item.source === undefined ? splitMetric(bytes, item, maxBytes - alone - 8) : undefined;
      if (pieces === undefined) throw tooLarge(bytes, resource, item, maxBytes);
      for (let i = pieces.length - 1; i >= 0; i--) pending.push(pieces[i]);
    }
    closedBytes += framed(scopeEnvelopeBytes + openItemBytes);
  }
  flush();
  return selections;
}

function tooLarge(bytes: Uint8Array, resource: ResourceFrame, item: Range, maxBytes: number): OtelgateError {
  const service = serviceName(bytes, resource);
  const size = item.end - item.start;
  return new OtelgateError(
    'payload-too-large',
    `one record of ${size} bytes${service ? ` from service "${service}"` : ''} does not fit the limit of ${maxBytes} bytes`,
  );
}

/** service.name of a resource entry, '' when absent. */
export function serviceName(bytes: Uint8Array, resource: ResourceFrame): string {
  const r = new WireReader(bytes);
  for (const field of resource.envelope) {
    r.pos = field.start;
    if (r.tag(field.end) >>> 3 !== 1) continue;
    const start = payloadStart(r, field);
    r.pos = start;
    const attr = decodeResource(r, field.end).attributes.find((kv) => kv.key === 'service.name');
    if (attr && 'stringValue' in attr.value) return attr.value.stringValue;
  }
  return '';
}

export interface TraceGroup {
  /** Partition key: the 16 bytes of the trace id; undefined for the overflow group. */
  key: Uint8Array | undefined;
  /** Lowercase hex trace id ('' for spans without one and for the overflow group). */
  traceId: string;
  spanCount: number;
  /** An ExportTraceServiceRequest holding only this group's spans (envelopes repeated). */
  bytes: Uint8Array;
}

/**
 * Splits a trace request into one request per trace id, so each can be keyed by its trace id.
 * Spans beyond `maxGroups` distinct trace ids go together into one last group without a key.
 * Pass the request's scan result when you have it, to skip validating it again.
 */
export function groupTracesByTraceId(bytes: Uint8Array, maxGroups = 1024, scanned?: ScanResult): TraceGroup[] {
  if (scanned === undefined) scanExportRequest('traces', bytes);
  const groups = groupSpans(bytes, (idOffset) => (idOffset < 0 ? '' : traceIdHex(bytes, idOffset)), maxGroups);
  return groups.map((group) => ({
    key: group.key,
    traceId: group.key ? traceIdHex(group.key, 0) : '',
    spanCount: group.spanCount,
    bytes: group.bytes,
  }));
}

/**
 * Splits a trace request into one request per partition that `partitionOf` gives its spans' trace
 * ids (a Kafka topic's partitioner), so every span of a trace lands in one partition while the
 * request becomes at most `partitions` + 1 messages instead of one per trace. Each group is keyed by
 * the first trace id in it (which maps to the group's partition); spans without a trace id form a
 * group without a key.
 */
export function groupTracesByPartition(
  bytes: Uint8Array,
  partitionOf: (traceId: Uint8Array) => number,
  scanned?: ScanResult,
): { key: Uint8Array | undefined; spanCount: number; bytes: Uint8Array }[] {
  if (scanned === undefined) scanExportRequest('traces', bytes);
  return groupSpans(bytes, (idOffset) => (idOffset < 0 ? -1 : partitionOf(bytes.subarray(idOffset, idOffset + 16))));
}

interface SpanGroup {
  key: Uint8Array | undefined;
  spanCount: number;
  selections: Selection[];
}

/** Groups spans by `groupOf(trace id offset, or -1)`; past `maxGroups` groups, the rest go into one keyless group. */
function groupSpans<G>(
  bytes: Uint8Array,
  groupOf: (idOffset: number) => G,
  maxGroups = Number.POSITIVE_INFINITY,
): { key: Uint8Array | undefined; spanCount: number; bytes: Uint8Array }[] {
  const r = new WireReader(bytes);
  const groups = new Map<G, SpanGroup>();
  const overflow: SpanGroup = { key: undefined, spanCount: 0, selections: [] };
  for (const resource of readFraming(bytes)) {
    for (const scope of resource.scopes) {
      for (const span of scope.items) {
        const idOffset = traceIdOffset(r, span);
        const id = groupOf(idOffset);
        let group = groups.get(id);
        if (group === undefined) {
          if (groups.size < maxGroups) {
            group = {
              key: idOffset < 0 ? undefined : bytes.slice(idOffset, idOffset + 16),
              spanCount: 0,
              selections: [],
            };
            groups.set(id, group);
          } else group = overflow;
        }
        group.spanCount++;
        add(group.selections, resource, scope, span);
      }
    }
  }
  const all = overflow.spanCount > 0 ? [...groups.values(), overflow] : [...groups.values()];
  return all.map((group) => ({
    key: group.key,
    spanCount: group.spanCount,
    bytes: buildRequest(bytes, group.selections),
  }));
}

function add(selections: Selection[], resource: ResourceFrame, scope: ResourceFrame['scopes'][number], item: Range) {
  let sel = selections.at(-1);
  if (sel?.resource !== resource) {
    sel = { resource, scopes: [] };
    selections.push(sel);
  }
  let s = sel.scopes.at(-1);
  if (s?.scope !== scope) {
    s = { scope, items: [] };
    sel.scopes.push(s);
  }
  s.items.push(item);
}

/** Offset of the 16-byte trace id of the span at `span`, -1 when it has none. */
function traceIdOffset(r: WireReader, span: Range): number {
  const start = payloadStart(r, span);
  let offset = -1;
  r.pos = start;
  while (r.pos < span.end) {
    const tag = r.tag(span.end);
    if (tag === ((1 << 3) | 2)) {
      // Every SDK writes trace_id first; stopping at it spares walking the rest of the span.
      const idEnd = r.lengthEnd(span.end);
      offset = idEnd - r.pos === 16 ? r.pos : -1;
      break;
    }
    r.skip(tag, span.end);
  }
  return offset;
}
