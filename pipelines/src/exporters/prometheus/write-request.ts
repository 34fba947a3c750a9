// Remote-write 1.0 `WriteRequest` protobuf encoder (field numbers from prometheus/prompb
// types.proto and remote.proto). Hot path: one growable buffer, nested lengths computed
// up front from the (shallow) message shapes instead of a generic two-pass walk.
import { varintSize, writeVarint } from '@otelgate/pipelines/otlp/wire-writer.ts';

export interface Label {
  name: string;
  value: string;
}

export interface Sample {
  value: number;
  timestampMs: number;
}

export interface Exemplar {
  labels: Label[];
  value: number;
  timestampMs: number;
}

export interface BucketSpan {
  offset: number;
  length: number;
}

/** An integer native histogram; deltas are the delta-encoded bucket counts, as prompb wants them. */
export interface NativeHistogram {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  negativeSpans: BucketSpan[];
  negativeDeltas: number[];
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
  /** 0 unknown, 1 yes, 2 no, 3 gauge */
  resetHint: number;
  timestampMs: number;
}

export interface TimeSeries {
  /** Sorted by name. */
  labels: Label[];
  samples: Sample[];
  exemplars: Exemplar[];
  histograms: NativeHistogram[];
}

export const MetricType = { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3, SUMMARY: 5, INFO: 6 } as const;

export interface MetricMetadata {
  type: number;
  family: string;
  help: string;
  unit: string;
}

const textEncoder = new TextEncoder();

/** int64 as varint: negatives take 10 bytes. Timestamps and counts stay below 2^53. */
function int64Size(n: number): number {
  return n < 0 ? 10 : varintSize(n);
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function utf8Length(s: string): number {
  let size = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) size += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 2;
      i++;
    } else size += 2;
  }
  return size;
}

function lenFieldSize(len: number): number {
  return 1 + varintSize(len) + len;
}

// The size pass records UTF-8 lengths and exemplar sizes here, in the order the write pass
// consumes them, so no string is measured twice.
let queue: number[] = [];

function labelSize(label: Label): number {
  const nameLen = label.name.length === 0 ? 0 : utf8Length(label.name);
  const valueLen = label.value.length === 0 ? 0 : utf8Length(label.value);
  queue.push(nameLen, valueLen);
  return (nameLen > 0 ? lenFieldSize(nameLen) : 0) + (valueLen > 0 ? lenFieldSize(valueLen) : 0);
}

function sampleSize(sample: Sample): number {
  return (
    (sample.value !== 0 || Object.is(sample.value, -0) ? 9 : 0) +
    (sample.timestampMs !== 0 ? 1 + int64Size(sample.timestampMs) : 0)
  );
}

function exemplarSize(e: Exemplar): number {
  const slot = queue.length;
  queue.push(0);
  let size = 9 + (e.timestampMs !== 0 ? 1 + int64Size(e.timestampMs) : 0);
  for (const label of e.labels) size += lenFieldSize(labelSize(label));
  queue[slot] = size;
  return size;
}

function spanSize(span: BucketSpan): number {
  return (
    (span.offset !== 0 ? 1 + varintSize(zigzag(span.offset)) : 0) +
    (span.length !== 0 ? 1 + varintSize(span.length) : 0)
  );
}

function packedDeltasSize(deltas: number[]): number {
  let size = 0;
  for (const d of deltas) size += varintSize(zigzag(d));
  return size;
}

function histogramSize(h: NativeHistogram): number {
  let size = 1 + varintSize(h.count) + 9 + 1 + varintSize(zigzag(h.schema)) + 9 + 1 + varintSize(h.zeroCount);
  for (const span of h.negativeSpans) size += lenFieldSize(spanSize(span));
  if (h.negativeDeltas.length > 0) size += lenFieldSize(packedDeltasSize(h.negativeDeltas));
  for (const span of h.positiveSpans) size += lenFieldSize(spanSize(span));
  if (h.positiveDeltas.length > 0) size += lenFieldSize(packedDeltasSize(h.positiveDeltas));
  if (h.resetHint !== 0) size += 2;
  if (h.timestampMs !== 0) size += 1 + int64Size(h.timestampMs);
  return size;
}

function timeSeriesSize(ts: TimeSeries): number {
  let size = 0;
  for (const label of ts.labels) size += lenFieldSize(labelSize(label));
  for (const sample of ts.samples) size += lenFieldSize(sampleSize(sample));
  for (const e of ts.exemplars) size += lenFieldSize(exemplarSize(e));
  for (const h of ts.histograms) size += lenFieldSize(histogramSize(h));
  return size;
}

function metadataSize(m: MetricMetadata): number {
  let size = m.type !== 0 ? 2 : 0;
  if (m.family.length > 0) size += lenFieldSize(utf8Length(m.family));
  if (m.help.length > 0) size += lenFieldSize(utf8Length(m.help));
  if (m.unit.length > 0) size += lenFieldSize(utf8Length(m.unit));
  return size;
}

class Writer {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  next = 0;

  varint(n: number): void {
    this.pos = writeVarint(this.buf, this.pos, n);
  }

  int64(n: number): void {
    if (n >= 0) {
      this.varint(n);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(n));
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  tag(field: number, wire: number): void {
    this.buf[this.pos++] = (field << 3) | wire;
  }

  double(n: number): void {
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    if (s.length === 0) return;
    this.tag(field, 2);
    const len = utf8Length(s);
    this.varint(len);
    if (len === s.length) {
      for (let i = 0; i < len; i++) this.buf[this.pos++] = s.charCodeAt(i);
    } else {
      this.pos += textEncoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + len)).written;
    }
  }

  /** A string whose UTF-8 length the size pass measured. */
  knownString(field: number, s: string, len: number): void {
    if (len === 0) return;
    this.tag(field, 2);
    this.varint(len);
    if (len === s.length) {
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < len; i++) buf[pos++] = s.charCodeAt(i);
      this.pos = pos;
    } else {
      this.pos += textEncoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + len)).written;
    }
  }

  label(field: number, label: Label): void {
    const nameLen = queue[this.next++];
    const valueLen = queue[this.next++];
    this.tag(field, 2);
    this.varint((nameLen > 0 ? lenFieldSize(nameLen) : 0) + (valueLen > 0 ? lenFieldSize(valueLen) : 0));
    this.knownString(1, label.name, nameLen);
    this.knownString(2, label.value, valueLen);
  }
}

function writeSpans(w: Writer, field: number, spans: BucketSpan[]): void {
  for (const span of spans) {
    w.tag(field, 2);
    w.varint(spanSize(span));
    if (span.offset !== 0) {
      w.tag(1, 0);
      w.varint(zigzag(span.offset));
    }
    if (span.length !== 0) {
      w.tag(2, 0);
      w.varint(span.length);
    }
  }
}

function writeDeltas(w: Writer, field: number, deltas: number[]): void {
  if (deltas.length === 0) return;
  w.tag(field, 2);
  w.varint(packedDeltasSize(deltas));
  for (const d of deltas) w.varint(zigzag(d));
}

function writeHistogram(w: Writer, h: NativeHistogram): void {
  w.tag(1, 0);
  w.varint(h.count);
  w.tag(3, 1);
  w.double(h.sum);
  w.tag(4, 0);
  w.varint(zigzag(h.schema));
  w.tag(5, 1);
  w.double(h.zeroThreshold);
  w.tag(6, 0);
  w.varint(h.zeroCount);
  writeSpans(w, 8, h.negativeSpans);
  writeDeltas(w, 9, h.negativeDeltas);
  writeSpans(w, 11, h.positiveSpans);
  writeDeltas(w, 12, h.positiveDeltas);
  if (h.resetHint !== 0) {
    w.tag(14, 0);
    w.varint(h.resetHint);
  }
  if (h.timestampMs !== 0) {
    w.tag(15, 0);
    w.int64(h.timestampMs);
  }
}

/** Encodes a WriteRequest{timeseries=1, metadata=3}; the result is what gets snappy-compressed. */
export function encodeWriteRequest(series: TimeSeries[], metadata: MetricMetadata[] = []): Uint8Array {
  queue = [];
  let total = 0;
  const sizes = new Array<number>(series.length);
  for (let i = 0; i < series.length; i++) {
    sizes[i] = timeSeriesSize(series[i]);
    total += lenFieldSize(sizes[i]);
  }
  for (const m of metadata) total += lenFieldSize(metadataSize(m));
  const w = new Writer(total);
  for (let i = 0; i < series.length; i++) {
    const ts = series[i];
    w.tag(1, 2);
    w.varint(sizes[i]);
    for (const label of ts.labels) w.label(1, label);
    for (const sample of ts.samples) {
      w.tag(2, 2);
      w.varint(sampleSize(sample));
      if (sample.value !== 0 || Object.is(sample.value, -0)) {
        w.tag(1, 1);
        w.double(sample.value);
      }
      if (sample.timestampMs !== 0) {
        w.tag(2, 0);
        w.int64(sample.timestampMs);
      }
    }
    for (const e of ts.exemplars) {
      w.tag(3, 2);
      w.varint(queue[w.next++]);
      for (const label of e.labels) w.label(1, label);
      w.tag(2, 1);
      w.double(e.value);
      if (e.timestampMs !== 0) {
        w.tag(3, 0);
        w.int64(e.timestampMs);
      }
    }
    for (const h of ts.histograms) {
      w.tag(4, 2);
      w.varint(histogramSize(h));
      writeHistogram(w, h);
    }
  }
  for (const m of metadata) {
    w.tag(3, 2);
    w.varint(metadataSize(m));
    if (m.type !== 0) {
      w.tag(1, 0);
      w.varint(m.type);
    }
    w.string(2, m.family);
    w.string(4, m.help);
    w.string(5, m.unit);
  }
  queue = [];
  if (w.pos !== total) throw new Error(`write-request: size pass said ${total} bytes, wrote ${w.pos}`);
  return w.buf;
}
