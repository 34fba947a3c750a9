// Decoders of the metrics/v1 data points and exemplars (see decode-common.ts for the rules).
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from '../model/metrics.ts';
import { readAttributes, unknownField } from './decode-common.ts';
import { readId } from './decode-ids.ts';
import * as S from './schema.ts';
import { WireError } from './wire-error.ts';
import { type WireReader, WireType } from './wire-reader.ts';

const LEN = WireType.LEN;

export function decodeNumberPoint(r: WireReader, end: number): NumberDataPoint {
  const p: NumberDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, exemplars: [], flags: 0 };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (7 << 3) | LEN:
        p.attributes = readAttributes(r, end, tag, p.attributes);
        break;
      case (2 << 3) | 1:
        p.startTimeUnixNano = r.fixed64(end);
        break;
      case (3 << 3) | 1:
        p.timeUnixNano = r.fixed64(end);
        break;
      case (4 << 3) | 1:
        delete p.asInt;
        p.asDouble = r.double(end);
        break;
      case (6 << 3) | 1:
        delete p.asDouble;
        p.asInt = r.sfixed64(end);
        break;
      case (5 << 3) | LEN:
        p.exemplars.push(decodeExemplar(r, r.lengthEnd(end)));
        break;
      case (8 << 3) | 0:
        p.flags = r.uint32(end);
        break;
      default:
        unknownField(r, tag, end, S.NumberDataPointSpec);
    }
  }
  return p;
}

export function decodeHistogramPoint(r: WireReader, end: number): HistogramDataPoint {
  const p: HistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (9 << 3) | LEN:
        p.attributes = readAttributes(r, end, tag, p.attributes);
        break;
      case (2 << 3) | 1:
        p.startTimeUnixNano = r.fixed64(end);
        break;
      case (3 << 3) | 1:
        p.timeUnixNano = r.fixed64(end);
        break;
      case (4 << 3) | 1:
        p.count = r.fixed64(end);
        break;
      case (5 << 3) | 1:
        p.sum = r.double(end);
        break;
      case (6 << 3) | LEN: {
        const packedEnd = packedFixed64End(r, end);
        while (r.pos < packedEnd) p.bucketCounts.push(r.fixed64(packedEnd));
        break;
      }
      case (6 << 3) | 1:
        p.bucketCounts.push(r.fixed64(end));
        break;
      case (7 << 3) | LEN: {
        const packedEnd = packedFixed64End(r, end);
        while (r.pos < packedEnd) p.explicitBounds.push(r.double(packedEnd));
        break;
      }
      case (7 << 3) | 1:
        p.explicitBounds.push(r.double(end));
        break;
      case (8 << 3) | LEN:
        p.exemplars.push(decodeExemplar(r, r.lengthEnd(end)));
        break;
      case (10 << 3) | 0:
        p.flags = r.uint32(end);
        break;
      case (11 << 3) | 1:
        p.min = r.double(end);
        break;
      case (12 << 3) | 1:
        p.max = r.double(end);
        break;
      default:
        unknownField(r, tag, end, S.HistogramDataPointSpec);
    }
  }
  return p;
}

function packedFixed64End(r: WireReader, end: number): number {
  const packedEnd = r.lengthEnd(end);
  if ((packedEnd - r.pos) % 8 !== 0) throw new WireError('packed fixed64 length not a multiple of 8');
  return packedEnd;
}

export function decodeExponentialPoint(r: WireReader, end: number): ExponentialHistogramDataPoint {
  const p: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    scale: 0,
    zeroCount: 0n,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: [],
    zeroThreshold: 0,
  };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (1 << 3) | LEN:
        p.attributes = readAttributes(r, end, tag, p.attributes);
        break;
      case (2 << 3) | 1:
        p.startTimeUnixNano = r.fixed64(end);
        break;
      case (3 << 3) | 1:
        p.timeUnixNano = r.fixed64(end);
        break;
      case (4 << 3) | 1:
        p.count = r.fixed64(end);
        break;
      case (5 << 3) | 1:
        p.sum = r.double(end);
        break;
      case (6 << 3) | 0:
        p.scale = r.sint32(end);
        break;
      case (7 << 3) | 1:
        p.zeroCount = r.fixed64(end);
        break;
      case (8 << 3) | LEN:
        p.positive = decodeBuckets(r, r.lengthEnd(end));
        break;
      case (9 << 3) | LEN:
        p.negative = decodeBuckets(r, r.lengthEnd(end));
        break;
      case (10 << 3) | 0:
        p.flags = r.uint32(end);
        break;
      case (11 << 3) | LEN:
        p.exemplars.push(decodeExemplar(r, r.lengthEnd(end)));
        break;
      case (12 << 3) | 1:
        p.min = r.double(end);
        break;
      case (13 << 3) | 1:
        p.max = r.double(end);
        break;
      case (14 << 3) | 1:
        p.zeroThreshold = r.double(end);
        break;
      default:
        unknownField(r, tag, end, S.ExponentialHistogramDataPointSpec);
    }
  }
  return p;
}

function decodeBuckets(r: WireReader, end: number): ExponentialHistogramBuckets {
  const b: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag === ((1 << 3) | 0)) b.offset = r.sint32(end);
    else if (tag === ((2 << 3) | LEN)) {
      const packedEnd = r.lengthEnd(end);
      while (r.pos < packedEnd) b.bucketCounts.push(r.uint64(packedEnd));
    } else if (tag === ((2 << 3) | 0)) b.bucketCounts.push(r.uint64(end));
    else unknownField(r, tag, end, S.BucketsSpec);
  }
  return b;
}

export function decodeSummaryPoint(r: WireReader, end: number): SummaryDataPoint {
  const p: SummaryDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    sum: 0,
    quantileValues: [],
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (7 << 3) | LEN:
        p.attributes = readAttributes(r, end, tag, p.attributes);
        break;
      case (2 << 3) | 1:
        p.startTimeUnixNano = r.fixed64(end);
        break;
      case (3 << 3) | 1:
        p.timeUnixNano = r.fixed64(end);
        break;
      case (4 << 3) | 1:
        p.count = r.fixed64(end);
        break;
      case (5 << 3) | 1:
        p.sum = r.double(end);
        break;
      case (6 << 3) | LEN: {
        const qEnd = r.lengthEnd(end);
        const q = { quantile: 0, value: 0 };
        while (r.pos < qEnd) {
          const inner = r.tag(qEnd);
          if (inner === ((1 << 3) | 1)) q.quantile = r.double(qEnd);
          else if (inner === ((2 << 3) | 1)) q.value = r.double(qEnd);
          else unknownField(r, inner, qEnd, S.ValueAtQuantileSpec);
        }
        p.quantileValues.push(q);
        break;
      }
      case (8 << 3) | 0:
        p.flags = r.uint32(end);
        break;
      default:
        unknownField(r, tag, end, S.SummaryDataPointSpec);
    }
  }
  return p;
}

function decodeExemplar(r: WireReader, end: number): Exemplar {
  const e: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, spanId: '', traceId: '' };
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case (7 << 3) | LEN:
        e.filteredAttributes = readAttributes(r, end, tag, e.filteredAttributes);
        break;
      case (2 << 3) | 1:
        e.timeUnixNano = r.fixed64(end);
        break;
      case (3 << 3) | 1:
        delete e.asInt;
        e.asDouble = r.double(end);
        break;
      case (6 << 3) | 1:
        delete e.asDouble;
        e.asInt = r.sfixed64(end);
        break;
      case (4 << 3) | LEN:
        e.spanId = readId(r, end, 8);
        break;
      case (5 << 3) | LEN:
        e.traceId = readId(r, end, 16);
        break;
      default:
        unknownField(r, tag, end, S.ExemplarSpec);
    }
  }
  return e;
}
