import { describe, expect, it } from 'vitest';
import { encodeWriteRequest, MetricType } from './write-request.ts';

// A tiny protobuf reader: enough to walk a WriteRequest back into fields.
type Field = { field: number; wire: number; value: bigint | number | Uint8Array };
function readFields(buf: Uint8Array): Field[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) {
      out.push({ field, wire, value: view.getFloat64(pos, true) });
      pos += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ field, wire, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}
const text = (f: Field) => new TextDecoder().decode(f.value as Uint8Array);
const sub = (f: Field) => readFields(f.value as Uint8Array);
const unzigzag = (n: bigint) => Number((n >> 1n) ^ -(n & 1n));

describe('remote-write WriteRequest encoder', () => {
  it('writes labels, samples and exemplars at the prompb field numbers', () => {
    const body = encodeWriteRequest(
      [
        {
          labels: [
            { name: '__name__', value: 'http_requests_total' },
            { name: 'job', value: 'shöp' },
          ],
          samples: [
            { value: 3.5, timestampMs: 1_700_000_000_123 },
            { value: 0, timestampMs: 1_700_000_001_000 },
          ],
          exemplars: [{ labels: [{ name: 'trace_id', value: 'abc' }], value: 0.25, timestampMs: 1_700_000_000_100 }],
          histograms: [],
        },
      ],
      [{ type: MetricType.COUNTER, family: 'http_requests_total', help: 'Requests', unit: '' }],
    );
    const top = readFields(body);
    expect(top.map((f) => f.field)).toEqual([1, 3]);
    const ts = sub(top[0]);
    const labels = ts.filter((f) => f.field === 1).map((f) => sub(f).map(text));
    expect(labels).toEqual([
      ['__name__', 'http_requests_total'],
      ['job', 'shöp'],
    ]);
    const samples = ts.filter((f) => f.field === 2).map(sub);
    expect(samples[0]).toEqual([
      { field: 1, wire: 1, value: 3.5 },
      { field: 2, wire: 0, value: 1_700_000_000_123n },
    ]);
    // proto3 omits a zero value; the reader sees only the timestamp.
    expect(samples[1]).toEqual([{ field: 2, wire: 0, value: 1_700_000_001_000n }]);
    const exemplar = sub(ts.find((f) => f.field === 3) as Field);
    expect(text(sub(exemplar[0])[1])).toBe('abc');
    expect(exemplar[1].value).toBe(0.25);
    const metadata = sub(top[1]);
    expect(metadata[0]).toEqual({ field: 1, wire: 0, value: 1n });
    expect(text(metadata[1])).toBe('http_requests_total');
    expect(metadata[1].field).toBe(2);
    expect(text(metadata[2])).toBe('Requests');
    expect(metadata[2].field).toBe(4);
  });

  it('writes native histograms with zigzag schema, spans and packed sint64 deltas', () => {
    const body = encodeWriteRequest([
      {
        labels: [{ name: '__name__', value: 'latency_seconds' }],
        samples: [],
        exemplars: [],
        histograms: [
          {
            count: 6,
            sum: 1.5,
            schema: -2,
            zeroThreshold: 1e-9,
            zeroCount: 1,
            negativeSpans: [],
            negativeDeltas: [],
            positiveSpans: [{ offset: -1, length: 3 }],
            positiveDeltas: [2, -1, 1],
            resetHint: 0,
            timestampMs: 42,
          },
        ],
      },
    ]);
    const h = sub(sub(readFields(body)[0]).find((f) => f.field === 4) as Field);
    const byField = new Map(h.map((f) => [f.field, f]));
    expect(byField.get(1)?.value).toBe(6n);
    expect(byField.get(3)?.value).toBe(1.5);
    expect(unzigzag(byField.get(4)?.value as bigint)).toBe(-2);
    expect(byField.get(6)?.value).toBe(1n);
    const span = sub(byField.get(11) as Field);
    expect(unzigzag(span[0].value as bigint)).toBe(-1);
    expect(span[1].value).toBe(3n);
    expect([...((byField.get(12) as Field).value as Uint8Array)]).toEqual([4, 1, 2]);
    expect(byField.get(15)?.value).toBe(42n);
  });

  it('encodes negative timestamps as ten-byte varints', () => {
    const body = encodeWriteRequest([
      { labels: [], samples: [{ value: 1, timestampMs: -1 }], exemplars: [], histograms: [] },
    ]);
    const sample = sub(sub(readFields(body)[0])[0]);
    expect(BigInt.asIntN(64, sample[1].value as bigint)).toBe(-1n);
  });
});
