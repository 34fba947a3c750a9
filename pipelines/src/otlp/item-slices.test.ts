import { describe, expect, it } from 'vitest';
import type { TracesData } from '../model/traces.ts';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.ts';
import { encodeLogs, encodeTraces } from './encode.ts';
import { emptyPointsRequest, emptySpansRequest } from './fixtures/empty-items.ts';
import { sliceItems } from './item-slices.ts';

const big = { maxItems: 1_000_000, maxBytes: 64 * 1024 * 1024 };

function twoResources(spansEach: number): TracesData {
  return {
    resourceSpans: ['a', 'b'].map((service) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
      schemaUrl: `https://example.com/${service}`,
      scopeSpans: [
        {
          scope: { name: `scope-${service}`, version: '1', attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          spans: decodeTraces(emptySpansRequest(spansEach)).resourceSpans[0].scopeSpans[0].spans.map((span, i) => ({
            ...span,
            name: `${service}-${i}`,
          })),
        },
      ],
    })),
  };
}

describe('sliceItems', () => {
  it('hands a record within the limits over as it is, without copying it', () => {
    const bytes = emptySpansRequest(100);
    const slices = [...sliceItems('traces', bytes, big)];
    expect(slices).toHaveLength(1);
    expect(slices[0].bytes).toBe(bytes);
    expect(slices[0].items).toBe(100);
  });

  it('cuts a million empty spans into slices of at most maxItems, resource and scope repeated in each', () => {
    const bytes = emptySpansRequest(1_000_000, 'svc', 'last-one');
    const counts: number[] = [];
    let lastName = '';
    for (const slice of sliceItems('traces', bytes, { maxItems: 100_000, maxBytes: big.maxBytes })) {
      const data = decodeTraces(slice.bytes);
      expect(data.resourceSpans).toHaveLength(1);
      expect(data.resourceSpans[0].resource.attributes[0].value).toEqual({ stringValue: 'svc' });
      expect(data.resourceSpans[0].scopeSpans[0].scope.name).toBe('scope');
      const spans = data.resourceSpans[0].scopeSpans[0].spans;
      expect(spans.length).toBe(slice.items);
      counts.push(spans.length);
      lastName = spans.at(-1)!.name;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1_000_001);
    expect(Math.max(...counts)).toBe(100_000);
    expect(counts).toHaveLength(11);
    expect(lastName).toBe('last-one');
  });

  it('keeps items in order across resources and cuts by bytes as well', () => {
    const data = twoResources(50);
    const bytes = encodeTraces(data);
    const names: string[] = [];
    const slices = [...sliceItems('traces', bytes, { maxItems: 1_000, maxBytes: 200 })];
    expect(slices.length).toBeGreaterThan(2);
    for (const slice of slices) {
      expect(slice.bytes.length).toBeLessThan(400);
      for (const rs of decodeTraces(slice.bytes).resourceSpans) {
        const service = (rs.resource.attributes[0].value as { stringValue: string }).stringValue;
        expect(rs.schemaUrl).toBe(`https://example.com/${service}`);
        expect(rs.scopeSpans[0].scope.name).toBe(`scope-${service}`);
        for (const span of rs.scopeSpans[0].spans) names.push(span.name);
      }
    }
    expect(names).toEqual([
      ...Array.from({ length: 50 }, (_, i) => `a-${i}`),
      ...Array.from({ length: 50 }, (_, i) => `b-${i}`),
    ]);
  });

  it('cuts one gauge of many points between its points, the metric name in every piece', () => {
    const bytes = emptyPointsRequest(25_000, 'queue.depth');
    const counts: number[] = [];
    for (const slice of sliceItems('metrics', bytes, { maxItems: 10_000, maxBytes: big.maxBytes })) {
      const metrics = decodeMetrics(slice.bytes).resourceMetrics[0].scopeMetrics[0].metrics;
      expect(metrics.map((m) => m.name)).toEqual(['queue.depth']);
      const points = metrics[0].gauge!.dataPoints.length;
      expect(points).toBe(slice.items);
      counts.push(points);
    }
    expect(counts).toEqual([10_000, 10_000, 5_000]);
  });

  it('slices log records', () => {
    const records = Array.from({ length: 30 }, (_, i) => ({
      timeUnixNano: BigInt(i),
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: `line ${i}` },
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    }));
    const bytes = encodeLogs({
      resourceLogs: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: records,
            },
          ],
        },
      ],
    } as never);
    const bodies = [...sliceItems('logs', bytes, { maxItems: 7, maxBytes: big.maxBytes })].flatMap((slice) =>
      decodeLogs(slice.bytes).resourceLogs[0].scopeLogs[0].logRecords.map(
        (r) => (r.body as { stringValue: string }).stringValue,
      ),
    );
    expect(bodies).toEqual(records.map((r) => r.body.stringValue));
  });
});
