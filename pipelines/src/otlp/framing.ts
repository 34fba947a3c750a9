// The three-level framing of an Export*ServiceRequest as byte ranges, without decoding anything:
// resource entries -> scope entries -> items (spans / metrics / log records). Re-slicing builds new
// requests by copying whole ranges: envelopes (every field but the nested list) are repeated as is.
// Input must already have been validated by scanExportRequest.
import { WireReader } from './wire-reader.ts';
import { varintSize, writeFieldHeader } from './wire-writer.ts';

/** A field's bytes, tag and length prefix included: [start, end). */
export interface Range {
  start: number;
  end: number;
  /** The bytes the range points into when not the request's own (a piece of a split metric). */
  source?: Uint8Array;
}

export interface ScopeFrame {
  /** Every field of the ScopeX entry except its items (field 2). */
  envelope: Range[];
  items: Range[];
}

export interface ResourceFrame extends Range {
  /** Every field of the ResourceX entry except its scope entries (field 2). */
  envelope: Range[];
  scopes: ScopeFrame[];
}

/** Splits a message's payload [start, end) into its field-2 entries and everything else. */
export function split(r: WireReader, start: number, end: number): { envelope: Range[]; children: Range[] } {
  const envelope: Range[] = [];
  const children: Range[] = [];
  r.pos = start;
  while (r.pos < end) {
    const fieldStart = r.pos;
    const tag = r.tag(end);
    r.skip(tag, end);
    (tag >>> 3 === 2 ? children : envelope).push({ start: fieldStart, end: r.pos });
  }
  return { envelope, children };
}

/** Where the payload of the length-delimited field at `range` starts. */
export function payloadStart(r: WireReader, range: Range): number {
  r.pos = range.start;
  r.tag(range.end);
  r.lengthEnd(range.end);
  return r.pos;
}

export function readFraming(bytes: Uint8Array): ResourceFrame[] {
  const r = new WireReader(bytes);
  const top = split(r, 0, bytes.length);
  // Field 1 entries are the resources; `split` put them in `envelope` (it separates field 2).
  return top.envelope
    .filter((range) => {
      r.pos = range.start;
      return r.tag(range.end) >>> 3 === 1;
    })
    .map((range) => {
      const resource = split(r, payloadStart(r, range), range.end);
      return {
        start: range.start,
        end: range.end,
        envelope: resource.envelope,
        scopes: resource.children.map((scopeRange) => {
          const scope = split(r, payloadStart(r, scopeRange), scopeRange.end);
          return { envelope: scope.envelope, items: scope.children };
        }),
      };
    });
}

export function rangeBytes(ranges: Range[]): number {
  let n = 0;
  for (const range of ranges) n += range.end - range.start;
  return n;
}

/** Bytes of a length-delimited field with a 1-byte tag and a payload of `len`. */
export function framed(len: number): number {
  return 1 + varintSize(len) + len;
}

/** A new request's content: per resource entry, its envelope and the chosen scope entries and items. */
export interface Selection {
  resource: ResourceFrame;
  scopes: { scope: ScopeFrame; items: Range[] }[];
}

function scopeLength(s: { scope: ScopeFrame; items: Range[] }): number {
  return rangeBytes(s.scope.envelope) + rangeBytes(s.items);
}

function resourceLength(sel: Selection): number {
  let n = rangeBytes(sel.resource.envelope);
  for (const s of sel.scopes) n += framed(scopeLength(s));
  return n;
}

export function selectionSize(sel: Selection): number {
  return framed(resourceLength(sel));
}

/** Writes a request holding the selected entries (in the order given). */
export function buildRequest(bytes: Uint8Array, selections: Selection[]): Uint8Array {
  let total = 0;
  for (const sel of selections) total += selectionSize(sel);
  // Every byte is written below: no need for the zero-fill of new Uint8Array (Buffer is one).
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  const header = (field: number, len: number) => {
    pos = writeFieldHeader(out, pos, field, len);
  };
  const copy = (ranges: Range[]) => {
    for (const range of ranges) {
      out.set((range.source ?? bytes).subarray(range.start, range.end), pos);
      pos += range.end - range.start;
    }
  };
  for (const sel of selections) {
    header(1, resourceLength(sel));
    copy(sel.resource.envelope);
    for (const s of sel.scopes) {
      header(2, scopeLength(s));
      copy(s.scope.envelope);
      copy(s.items);
    }
  }
  return out;
}
