// Cuts one Export*ServiceRequest into requests of at most `maxItems` spans / data points / log
// records and about `maxBytes`, walking the wire bytes only (no decoding, no object per item), so
// a worker never holds more decoded items than its configuration allows, whatever a producer put
// in one record (RELIABILITY #27: a 16 MB record of 8 M empty spans). Resource and scope envelopes
// are repeated in every slice; a metric with more points than fit is cut between its points.
// Input must be valid framing (the caller scans large records first).
import { buildRequest, framed, type Range, type ResourceFrame, type Selection } from './framing.ts';
import { WireReader } from './wire-reader.ts';
import { writeFieldHeader } from './wire-writer.ts';
import type { Signal } from '../model/common.ts';

export interface ItemSlice {
  /** An Export*ServiceRequest holding this slice's items (the record itself when it is one slice). */
  bytes: Uint8Array;
  /** Spans, data points or log records in it. */
  items: number;
}

export interface SliceLimits {
  maxItems: number;
  maxBytes: number;
}

/** Metric fields holding the data (gauge, sum, histogram, exponential_histogram, summary). */
const DATA_FIELDS = new Set([5, 7, 9, 10, 11]);
const LEN = 2;

/** The items of one record in slices; the record itself (no copy) when it fits the limits. */
export function* sliceItems(signal: Signal, bytes: Uint8Array, limits: SliceLimits): Generator<ItemSlice> {
  const r = new WireReader(bytes);
  const total = countItems(signal, r, bytes.length);
  if (total <= limits.maxItems && bytes.length <= limits.maxBytes) {
    yield { bytes, items: total };
    return;
  }
  const builder = new SliceBuilder(bytes, limits);
  for (const res of entries(r, 0, bytes.length, 1)) {
    const resEnvelope = envelopeOf(r, res.start, res.end, 2);
    for (const scope of entries(r, res.start, res.end, 2)) {
      const scopeEnvelope = envelopeOf(r, scope.start, scope.end, 2);
      for (const item of entries(r, scope.start, scope.end, 2)) {
        const items = signal === 'metrics' ? countPoints(r, item.start, item.end) : 1;
        if (items > limits.maxItems || item.end - item.fieldStart > limits.maxBytes) {
          for (const piece of metricPieces(signal, bytes, item, items, limits))
            yield* builder.add(resEnvelope, scopeEnvelope, piece.range, piece.items);
        } else yield* builder.add(resEnvelope, scopeEnvelope, { start: item.fieldStart, end: item.end }, items);
      }
    }
  }
  yield* builder.finish();
}

interface Entry {
  /** Payload [start, end). */
  start: number;
  end: number;
  /** Where the field (its tag) starts. */
  fieldStart: number;
}

/** The length-delimited `field` entries of the payload [start, end), one at a time (each walk has its own reader). */
function* entries(outer: WireReader, start: number, end: number, field: number): Generator<Entry> {
  const r = new WireReader(outer.buf);
  let pos = start;
  while (pos < end) {
    r.pos = pos;
    const tag = r.tag(end);
    if (tag === ((field << 3) | LEN)) {
      const payloadEnd = r.lengthEnd(end);
      const entry = { start: r.pos, end: payloadEnd, fieldStart: pos };
      pos = payloadEnd;
      yield entry;
    } else {
      r.skip(tag, end);
      pos = r.pos;
    }
  }
}

/** Items (spans / data points / log records) a request holds. */
export function countItems(signal: Signal, r: WireReader, end: number): number {
  let total = 0;
  forEachEntry(r, 0, end, 1, (resStart, resEnd) => {
    forEachEntry(r, resStart, resEnd, 2, (scopeStart, scopeEnd) => {
      forEachEntry(r, scopeStart, scopeEnd, 2, (itemStart, itemEnd) => {
        total += signal === 'metrics' ? countPoints(r, itemStart, itemEnd) : 1;
      });
    });
  });
  return total;
}

/**
 * Calls `visit(payloadStart, payloadEnd, fieldStart)` for every length-delimited `field` in the
 * message payload [start, end) (a field's range when start is 0 and `field` is top-level).
 * Restores nothing: callers re-position the reader as they need.
 */
function forEachEntry(
  r: WireReader,
  start: number,
  end: number,
  field: number,
  visit: (payloadStart: number, payloadEnd: number, fieldStart: number) => void,
): void {
  let pos = start;
  while (pos < end) {
    r.pos = pos;
    const fieldStart = pos;
    const tag = r.tag(end);
    if (tag === ((field << 3) | LEN)) {
      const payloadEnd = r.lengthEnd(end);
      const payload = r.pos;
      pos = payloadEnd;
      visit(payload, payloadEnd, fieldStart);
    } else {
      r.skip(tag, end);
      pos = r.pos;
    }
  }
}

/** Every field of the payload [start, end) except the `children` ones, as ranges. */
function envelopeOf(r: WireReader, start: number, end: number, children: number): Range[] {
  const envelope: Range[] = [];
  r.pos = start;
  while (r.pos < end) {
    const fieldStart = r.pos;
    const tag = r.tag(end);
    r.skip(tag, end);
    if (tag >>> 3 !== children) envelope.push({ start: fieldStart, end: r.pos });
  }
  return envelope;
}

/** Data points of the Metric payload [start, end). */
function countPoints(r: WireReader, start: number, end: number): number {
  let points = 0;
  let pos = start;
  while (pos < end) {
    r.pos = pos;
    const tag = r.tag(end);
    if ((tag & 7) === LEN && DATA_FIELDS.has(tag >>> 3)) {
      const dataEnd = r.lengthEnd(end);
      forEachEntry(r, r.pos, dataEnd, 1, () => {
        points++;
      });
      pos = dataEnd;
    } else {
      r.skip(tag, end);
      pos = r.pos;
    }
  }
  return points;
}

/**
 * One item that does not fit a slice alone: a metric is cut into metrics of the same envelope with
 * some of its points each; anything else (a span, a log record, a metric of one point) goes whole,
 * as its own slice (one item is the smallest unit a decoder can hold).
 */
function* metricPieces(
  signal: Signal,
  bytes: Uint8Array,
  item: Entry,
  points: number,
  limits: SliceLimits,
): Generator<{ range: Range; items: number }> {
  const whole = { range: { start: item.fieldStart, end: item.end }, items: points };
  const r = new WireReader(bytes);
  let data: { field: number; start: number; end: number } | undefined;
  const envelope: Range[] = [];
  r.pos = item.start;
  while (signal === 'metrics' && r.pos < item.end) {
    const fieldStart = r.pos;
    const tag = r.tag(item.end);
    if ((tag & 7) === LEN && DATA_FIELDS.has(tag >>> 3) && data === undefined) {
      const dataEnd = r.lengthEnd(item.end);
      data = { field: tag >>> 3, start: r.pos, end: dataEnd };
      r.pos = dataEnd;
    } else {
      r.skip(tag, item.end);
      envelope.push({ start: fieldStart, end: r.pos });
    }
  }
  if (data === undefined || points < 2) {
    yield whole;
    return;
  }
  const dataEnvelope = envelopeOf(r, data.start, data.end, 1);
  let run: Range | undefined;
  let runPoints = 0;
  const piece = (points: Range) => {
    const source = buildMetric(bytes, envelope, data.field, dataEnvelope, points);
    return { range: { start: 0, end: source.length, source }, items: runPoints };
  };
  for (const point of entries(r, data.start, data.end, 1)) {
    if (
      run &&
      (runPoints >= limits.maxItems || point.end - run.start > limits.maxBytes || point.fieldStart !== run.end)
    ) {
      yield piece(run);
      run = undefined;
      runPoints = 0;
    }
    if (run) run.end = point.end;
    else run = { start: point.fieldStart, end: point.end };
    runPoints++;
  }
  if (run) yield piece(run);
}

/** A `metrics` field (ScopeMetrics field 2) holding the metric envelope and the points in `points`. */
function buildMetric(bytes: Uint8Array, envelope: Range[], dataField: number, dataEnvelope: Range[], points: Range) {
  const size = (ranges: Range[]) => ranges.reduce((n, x) => n + x.end - x.start, 0);
  const dataLength = size(dataEnvelope) + points.end - points.start;
  const metricLength = size(envelope) + framed(dataLength);
  const out = Buffer.allocUnsafe(framed(metricLength));
  let pos = 0;
  const header = (field: number, len: number) => {
    pos = writeFieldHeader(out, pos, field, len);
  };
  const copy = (ranges: Range[]) => {
    for (const range of ranges) {
      out.set(bytes.subarray(range.start, range.end), pos);
      pos += range.end - range.start;
    }
  };
  header(2, metricLength);
  copy(envelope);
  header(dataField, dataLength);
  copy(dataEnvelope);
  copy([points]);
  return out;
}

interface OpenScope {
  scope: { envelope: Range[]; items: Range[] };
  items: Range[];
}

/** Collects items into selections and turns them into requests when a limit is reached. */
class SliceBuilder {
  private selections: Selection[] = [];
  private items = 0;
  private size = 0;
  private lastResource: Range[] | undefined;
  private lastScope: Range[] | undefined;
  private readonly bytes: Uint8Array;
  private readonly limits: SliceLimits;

  constructor(bytes: Uint8Array, limits: SliceLimits) {
    this.bytes = bytes;
    this.limits = limits;
  }

  /** Adds one item; yields the slice it completed, if any. */
  *add(resEnvelope: Range[], scopeEnvelope: Range[], item: Range, items: number): Generator<ItemSlice> {
    const len = item.end - item.start;
    if (this.items > 0 && (this.items + items > this.limits.maxItems || this.size + len > this.limits.maxBytes))
      yield this.take();
    let selection = this.selections.at(-1);
    if (selection === undefined || this.lastResource !== resEnvelope) {
      const resource: ResourceFrame = { start: 0, end: 0, envelope: resEnvelope, scopes: [] };
      selection = { resource, scopes: [] };
      this.selections.push(selection);
      this.lastResource = resEnvelope;
      this.lastScope = undefined;
    }
    let open: OpenScope | undefined = selection.scopes.at(-1);
    if (open === undefined || this.lastScope !== scopeEnvelope) {
      open = { scope: { envelope: scopeEnvelope, items: [] }, items: [] };
      selection.scopes.push(open);
      this.lastScope = scopeEnvelope;
    }
    const run = open.items.at(-1);
    // Consecutive items of one scope are one range: no object per item.
    if (run && run.source === undefined && item.source === undefined && run.end === item.start) run.end = item.end;
    else open.items.push({ ...item });
    this.items += items;
    this.size += len;
  }

  *finish(): Generator<ItemSlice> {
    if (this.items > 0) yield this.take();
  }

  private take(): ItemSlice {
    const slice = { bytes: buildRequest(this.bytes, this.selections), items: this.items };
    this.selections = [];
    this.lastResource = undefined;
    this.lastScope = undefined;
    this.items = 0;
    this.size = 0;
    return slice;
  }
}
