import { describe, expect, it } from 'vitest';
import { DeltaToCumulative } from './delta-to-cumulative.ts';

describe('DeltaToCumulative', () => {
  it('adds up the deltas of many sources into one series whatever order they arrive in, stamped with the newest time', () => {
    const deltas = new DeltaToCumulative(100, 60_000);
    deltas.source = 'session-a';
    expect(deltas.addHistogram('lcp', 0, 2000, 1, 800, [1000], [1, 0]).count).toBe(1);
    deltas.source = 'session-b';
    const b = deltas.addHistogram('lcp', 0, 1500, 2, 3000, [1000], [0, 2]);
    expect(b).toMatchObject({ count: 3, sum: 3800, buckets: [1, 2], lastMs: 2000 });
    deltas.source = 'session-a';
    expect(deltas.addSum('clicks', 1, 0, 1000).total).toBe(1);
    deltas.source = 'session-b';
    expect(deltas.addSum('clicks', 1, 0, 900)).toMatchObject({ total: 2, lastMs: 1000 });
  });

  it('does not add a replayed point of the same source again', () => {
    const deltas = new DeltaToCumulative(100, 60_000);
    deltas.source = 'session-a';
    deltas.addSum('clicks', 5, 0, 1000);
    expect(deltas.addSum('clicks', 5, 0, 1000).total).toBe(5);
    deltas.source = 'session-b';
    expect(deltas.addSum('clicks', 5, 0, 1000).total).toBe(10);
  });
});
