import { describe, expect, it } from 'vitest';
import { BatchPool } from './batch-pool.ts';
import { encodeRecordBatch, stampBatch } from './record-batch.ts';

describe('BatchPool', () => {
  it('lends a released buffer again, once, and ignores buffers it did not lend', () => {
    const pool = new BatchPool(2);
    const a = pool.acquire(100_000);
    expect(a.length).toBeGreaterThanOrEqual(100_000);
    expect(pool.acquire(100_000).buffer).not.toBe(a.buffer);
    pool.release(a.subarray(0, 10));
    pool.release(a);
    pool.release(Buffer.alloc(200_000));
    expect(pool.size).toBe(1);
    const b = pool.acquire(90_000);
    expect(b.buffer).toBe(a.buffer);
    // Not released since: lent to one holder at a time.
    expect(pool.acquire(90_000).buffer).not.toBe(a.buffer);
  });

  it('keeps at most its capacity, preferring the larger buffers', () => {
    const pool = new BatchPool(2);
    const [small, mid, big] = [pool.acquire(70_000), pool.acquire(300_000), pool.acquire(600_000)];
    pool.release(small);
    pool.release(mid);
    pool.release(big);
    expect(pool.size).toBe(2);
    expect(pool.acquire(500_000).buffer).toBe(big.buffer);
    expect(pool.acquire(200_000).buffer).toBe(mid.buffer);
  });

  it('encodes the same bytes into a reused buffer as into a fresh one', async () => {
    const pool = new BatchPool();
    const records = (tag: string) =>
      Array.from({ length: 300 }, (_, i) => ({ value: Buffer.from(`${tag} ${i} `.repeat(50)) }));
    const first = await encodeRecordBatch(records('a'), 'none', undefined, 1, pool);
    pool.release(first);
    const reused = await encodeRecordBatch(records('b'), 'none', undefined, 1, pool);
    expect(reused.buffer).toBe(first.buffer);
    const fresh = await encodeRecordBatch(records('b'), 'none', undefined, 1);
    stampBatch(reused);
    stampBatch(fresh);
    expect(reused.equals(fresh)).toBe(true);
  });
});
