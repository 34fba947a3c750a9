import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import { describe, expect, it } from 'vitest';
import { DeltaToCumulative } from './delta-to-cumulative.ts';
import { translateMetrics } from './translate.ts';

const options = {
  addMetricSuffixes: true,
  promoteResourceAttributes: new Set<string>(),
  targetInfo: false,
  scopeLabels: false,
};

function expDelta(timeMs: number, scale: number, offset: number, counts: number[]): MetricsData {
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: [
              {
                name: 'size',
                description: '',
                unit: 'By',
                metadata: [],
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      attributes: [],
                      startTimeUnixNano: BigInt(timeMs - 1000) * 1_000_000n,
                      timeUnixNano: BigInt(timeMs) * 1_000_000n,
                      count: BigInt(total),
                      sum: total * 3,
                      scale,
                      zeroCount: 0n,
                      zeroThreshold: 0,
                      positive: { offset, bucketCounts: counts.map(BigInt) },
                      negative: { offset: 0, bucketCounts: [] },
                      flags: 0,
                      exemplars: [],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('translateMetrics', () => {
  it('accumulates delta exponential histograms of different scales at the coarser scale', () => {
    const deltas = new DeltaToCumulative(100, 60_000);
    translateMetrics(expDelta(1000, 1, 2, [1, 2]), options, deltas);
    const out = translateMetrics(expDelta(2000, 0, 1, [4]), options, deltas);
    const [series] = [...out.series.values()];
    const h = series.histograms[0];
    expect(h.count).toBe(7);
    expect(h.sum).toBe(21);
    expect(h.schema).toBe(0);
    // Scale 1 indexes 2 and 3 fold into scale 0 index 1, where the second point's 4 land: 7 in one bucket.
    expect(h.positiveSpans).toEqual([{ offset: 2, length: 1 }]);
    expect(h.positiveDeltas).toEqual([7]);
    // A replay of the second point changes nothing.
    const again = translateMetrics(expDelta(2000, 0, 1, [4]), options, deltas);
    expect([...again.series.values()][0].histograms[0].count).toBe(7);
  });

  it('counts points it cannot translate by reason', () => {
    const data = expDelta(1000, -5, 0, [1]);
    const out = translateMetrics(data, options, new DeltaToCumulative(10, 60_000));
    expect(out.dropped.get('exponential_scale_below_-4')).toBe(1);
    expect(out.series.size).toBe(0);
  });
});
