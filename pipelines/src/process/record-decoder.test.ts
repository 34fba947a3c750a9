import { describe, expect, it } from 'vitest';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { TracesData } from '../model/traces.ts';
import { emptySpansRequest } from '../otlp/fixtures/empty-items.ts';
import { otlpRecordDecoder } from './record-decoder.ts';

const decoder = otlpRecordDecoder({ maxItems: 1_000, maxBytes: 1024 * 1024 });
const spansIn = (data: TracesData) => data.resourceSpans[0].scopeSpans[0].spans.length;

describe('otlpRecordDecoder', () => {
  it('decodes a record within the limits as one slice', () => {
    const slices = [...decoder('traces', emptySpansRequest(800))];
    expect(slices.map((s) => spansIn(s.data as TracesData))).toEqual([800]);
  });

  it('decodes a record of more items than the limit slice by slice, lazily', () => {
    const slices = decoder('traces', emptySpansRequest(20_500))[Symbol.iterator]();
    const first = slices.next();
    expect(spansIn(first.value!.data as TracesData)).toBe(1_000);
    let total = 1_000;
    for (let next = slices.next(); !next.done; next = slices.next()) total += spansIn(next.value.data as TracesData);
    expect(total).toBe(20_500);
  });

  it('refuses a large record whose end is broken before handing out any of it, naming the problem', () => {
    const broken = emptySpansRequest(20_500).subarray(0, -1);
    expect(() => decoder('traces', broken)).toThrow(OtelgateError);
    try {
      decoder('traces', broken);
    } catch (error) {
      expect((error as OtelgateError).kind).toBe('invalid-argument');
      expect((error as Error).message).toMatch(/truncated/);
    }
  });
});
