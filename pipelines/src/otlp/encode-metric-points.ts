// Encoders of the metrics/v1 data points and exemplars (see encode-common.ts for the two-pass scheme).
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from '../model/metrics.ts';
import { f64Field, sizeAttributes, u32Field, writeAttributes, writeFixed64, writeU32 } from './encode-common.ts';
import {
  idField,
  lenField,
  reserve,
  type SizeList,
  sub,
  varint64Size,
  varintSize,
  type WireWriter,
} from './wire-writer.ts';

const opt = (n: number | undefined): number => (n === undefined ? 0 : 9);

function writeOptDouble(w: WireWriter, field: number, n: number | undefined): void {
  if (n === undefined) return;
  w.tag(field, 1);
  w.double(n);
}

function writeDouble(w: WireWriter, field: number, n: number): void {
  if (n === 0 && !Object.is(n, -0)) return;
  w.tag(field, 1);
  w.double(n);
}

const dbl = (n: number): number => (n === 0 && !Object.is(n, -0) ? 0 : 9);

function sizeExemplars(list: Exemplar[], z: SizeList): number {
  let n = 0;
  for (const e of list) {
    const slot = reserve(z);
    const body =
      sizeAttributes(e.filteredAttributes, z) +
      f64Field(e.timeUnixNano) +
      (e.asDouble !== undefined ? 9 : e.asInt !== undefined ? 9 : 0) +
      idField(e.spanId, 8, 'exemplars.spanId') +
      idField(e.traceId, 16, 'exemplars.traceId');
    n += sub(z, slot, body);
  }
  return n;
}

function writeExemplars(w: WireWriter, field: number, list: Exemplar[]): void {
  for (const e of list) {
    w.tag(field, 2);
    w.len();
    writeAttributes(w, 7, e.filteredAttributes);
    writeFixed64(w, 2, e.timeUnixNano);
    if (e.asDouble !== undefined) {
      w.tag(3, 1);
      w.double(e.asDouble);
    } else if (e.asInt !== undefined) {
      w.tag(6, 1);
      w.sfixed64(e.asInt);
    }
    if (e.spanId.length > 0) {
      w.tag(4, 2);
      w.hexId(e.spanId);
    }
    if (e.traceId.length > 0) {
      w.tag(5, 2);
      w.hexId(e.traceId);
    }
  }
}

export function sizeNumberPoint(p: NumberDataPoint, z: SizeList): number {
  return (
    sizeAttributes(p.attributes, z) +
    f64Field(p.startTimeUnixNano) +
    f64Field(p.timeUnixNano) +
    (p.asDouble !== undefined || p.asInt !== undefined ? 9 : 0) +
    sizeExemplars(p.exemplars, z) +
    u32Field(p.flags)
  );
}

export function writeNumberPoint(w: WireWriter, p: NumberDataPoint): void {
  writeAttributes(w, 7, p.attributes);
  writeFixed64(w, 2, p.startTimeUnixNano);
  writeFixed64(w, 3, p.timeUnixNano);
  if (p.asDouble !== undefined) {
    w.tag(4, 1);
    w.double(p.asDouble);
  } else if (p.asInt !== undefined) {
    w.tag(6, 1);
    w.sfixed64(p.asInt);
  }
  writeExemplars(w, 5, p.exemplars);
  writeU32(w, 8, p.flags);
}

export function sizeHistogramPoint(p: HistogramDataPoint, z: SizeList): number {
  return (
    sizeAttributes(p.attributes, z) +
    f64Field(p.startTimeUnixNano) +
    f64Field(p.timeUnixNano) +
    f64Field(p.count) +
    opt(p.sum) +
    (p.bucketCounts.length > 0 ? lenField(p.bucketCounts.length * 8) : 0) +
    (p.explicitBounds.length > 0 ? lenField(p.explicitBounds.length * 8) : 0) +
    sizeExemplars(p.exemplars, z) +
    u32Field(p.flags) +
    opt(p.min) +
    opt(p.max)
  );
}

export function writeHistogramPoint(w: WireWriter, p: HistogramDataPoint): void {
  writeAttributes(w, 9, p.attributes);
  writeFixed64(w, 2, p.startTimeUnixNano);
  writeFixed64(w, 3, p.timeUnixNano);
  writeFixed64(w, 4, p.count);
  writeOptDouble(w, 5, p.sum);
  if (p.bucketCounts.length > 0) {
    w.tag(6, 2);
    w.uint32(p.bucketCounts.length * 8);
    for (const c of p.bucketCounts) w.fixed64(c);
  }
  if (p.explicitBounds.length > 0) {
    w.tag(7, 2);
    w.uint32(p.explicitBounds.length * 8);
    for (const b of p.explicitBounds) w.double(b);
  }
  writeExemplars(w, 8, p.exemplars);
  writeU32(w, 10, p.flags);
  writeOptDouble(w, 11, p.min);
  writeOptDouble(w, 12, p.max);
}

function bucketCountsSize(b: ExponentialHistogramBuckets): number {
  let n = 0;
  for (const c of b.bucketCounts) n += varint64Size(c);
  return n;
}

function sizeBuckets(b: ExponentialHistogramBuckets): number {
  const counts = bucketCountsSize(b);
  return (
    (b.offset !== 0 ? 1 + varintSize(((b.offset << 1) ^ (b.offset >> 31)) >>> 0) : 0) +
    (counts > 0 ? lenField(counts) : 0)
  );
}

function writeBuckets(w: WireWriter, field: number, b: ExponentialHistogramBuckets): void {
  const size = sizeBuckets(b);
  if (size === 0) return;
  w.tag(field, 2);
  w.uint32(size);
  if (b.offset !== 0) {
    w.tag(1, 0);
    w.sint32(b.offset);
  }
  const counts = bucketCountsSize(b);
  if (counts > 0) {
    w.tag(2, 2);
    w.uint32(counts);
    for (const c of b.bucketCounts) w.uint64(c);
  }
}

export function sizeExponentialPoint(p: ExponentialHistogramDataPoint, z: SizeList): number {
  const pos = sizeBuckets(p.positive);
  const neg = sizeBuckets(p.negative);
  return (
    sizeAttributes(p.attributes, z) +
    f64Field(p.startTimeUnixNano) +
    f64Field(p.timeUnixNano) +
    f64Field(p.count) +
    opt(p.sum) +
    (p.scale !== 0 ? 1 + varintSize(((p.scale << 1) ^ (p.scale >> 31)) >>> 0) : 0) +
    f64Field(p.zeroCount) +
    (pos > 0 ? lenField(pos) : 0) +
    (neg > 0 ? lenField(neg) : 0) +
    u32Field(p.flags) +
    sizeExemplars(p.exemplars, z) +
    opt(p.min) +
    opt(p.max) +
    dbl(p.zeroThreshold)
  );
}

export function writeExponentialPoint(w: WireWriter, p: ExponentialHistogramDataPoint): void {
  writeAttributes(w, 1, p.attributes);
  writeFixed64(w, 2, p.startTimeUnixNano);
  writeFixed64(w, 3, p.timeUnixNano);
  writeFixed64(w, 4, p.count);
  writeOptDouble(w, 5, p.sum);
  if (p.scale !== 0) {
    w.tag(6, 0);
    w.sint32(p.scale);
  }
  writeFixed64(w, 7, p.zeroCount);
  writeBuckets(w, 8, p.positive);
  writeBuckets(w, 9, p.negative);
  writeU32(w, 10, p.flags);
  writeExemplars(w, 11, p.exemplars);
  writeOptDouble(w, 12, p.min);
  writeOptDouble(w, 13, p.max);
  writeDouble(w, 14, p.zeroThreshold);
}

export function sizeSummaryPoint(p: SummaryDataPoint, z: SizeList): number {
  let n =
    sizeAttributes(p.attributes, z) +
    f64Field(p.startTimeUnixNano) +
    f64Field(p.timeUnixNano) +
    f64Field(p.count) +
    dbl(p.sum) +
    u32Field(p.flags);
  for (const q of p.quantileValues) n += lenField(dbl(q.quantile) + dbl(q.value));
  return n;
}

export function writeSummaryPoint(w: WireWriter, p: SummaryDataPoint): void {
  writeAttributes(w, 7, p.attributes);
  writeFixed64(w, 2, p.startTimeUnixNano);
  writeFixed64(w, 3, p.timeUnixNano);
  writeFixed64(w, 4, p.count);
  writeDouble(w, 5, p.sum);
  for (const q of p.quantileValues) {
    w.tag(6, 2);
    w.uint32(dbl(q.quantile) + dbl(q.value));
    writeDouble(w, 1, q.quantile);
    writeDouble(w, 2, q.value);
  }
  writeU32(w, 8, p.flags);
}
