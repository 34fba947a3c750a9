// Splits one Metric (a ScopeMetrics item) between its data points, for splitToFit: a metric with
// more points than fit one message becomes several metrics with the same name, description, unit,
// metadata, temporality and monotonicity, each holding some of the points, in order.
import { framed, payloadStart, type Range, split } from './framing.ts';
import { WireReader } from './wire-reader.ts';
import { writeFieldHeader } from './wire-writer.ts';

/** Metric fields holding the data (gauge, sum, histogram, exponential_histogram, summary). */
const DATA_FIELDS = new Set([5, 7, 9, 10, 11]);

/**
 * Pieces of the metric at `item` (each a complete `metrics` field of at most `budget` bytes), or
 * undefined when it cannot be split that small (one data point alone is larger).
 */
export function splitMetric(bytes: Uint8Array, item: Range, budget: number): Range[] | undefined {
  const r = new WireReader(bytes);
  const metric = split(r, payloadStart(r, item), item.end);
  // split() separates field 2 (description) as children: put it back with the envelope.
  const fields = [...metric.envelope, ...metric.children].sort((a, b) => a.start - b.start);
  const envelope: Range[] = [];
  let data: Range | undefined;
  let dataField = 0;
  for (const field of fields) {
    r.pos = field.start;
    const number = r.tag(field.end) >>> 3;
    if (DATA_FIELDS.has(number)) {
      data = field;
      dataField = number;
    } else envelope.push(field);
  }
  if (data === undefined) return undefined;
  // In Gauge/Sum/Histogram/... the points are field 1; split() puts field 1 with the envelope.
  const inner = split(r, payloadStart(r, data), data.end);
  const dataEnvelope: Range[] = [];
  const points: Range[] = [];
  for (const field of [...inner.envelope, ...inner.children].sort((a, b) => a.start - b.start)) {
    r.pos = field.start;
    (r.tag(field.end) >>> 3 === 1 ? points : dataEnvelope).push(field);
  }
  if (points.length < 2) return undefined;

  const size = (ranges: Range[]) => ranges.reduce((n, x) => n + x.end - x.start, 0);
  const envelopeBytes = size(envelope);
  const dataEnvelopeBytes = size(dataEnvelope);
  const pieceSize = (pointBytes: number) => framed(envelopeBytes + framed(dataEnvelopeBytes + pointBytes));

  const pieces: Range[] = [];
  let group: Range[] = [];
  let groupBytes = 0;
  const flush = () => {
    if (group.length === 0) return;
    pieces.push(
      buildPiece(bytes, envelope, dataField, dataEnvelope, group, groupBytes, envelopeBytes, dataEnvelopeBytes),
    );
    group = [];
    groupBytes = 0;
  };
  for (const point of points) {
    const pointBytes = point.end - point.start;
    if (pieceSize(pointBytes) > budget) return undefined;
    if (pieceSize(groupBytes + pointBytes) > budget) flush();
    group.push(point);
    groupBytes += pointBytes;
  }
  flush();
  return pieces;
}

function buildPiece(
  bytes: Uint8Array,
  envelope: Range[],
  dataField: number,
  dataEnvelope: Range[],
  points: Range[],
  pointBytes: number,
  envelopeBytes: number,
  dataEnvelopeBytes: number,
): Range {
  const dataLength = dataEnvelopeBytes + pointBytes;
  const metricLength = envelopeBytes + framed(dataLength);
  const out = new Uint8Array(framed(metricLength));
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
  header(2, metricLength); // ScopeMetrics.metrics
  copy(envelope);
  header(dataField, dataLength);
  copy(dataEnvelope);
  copy(points);
  return { start: 0, end: out.length, source: out };
}
