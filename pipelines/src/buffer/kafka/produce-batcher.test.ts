import { describe, expect, it } from 'vitest';
import { ProduceBatcher } from './produce-batcher.ts';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ProduceBatcher', () => {
  it('sends the appends of one turn together, and groups those that arrive while sends are under way', async () => {
    const sends: { messages: number[]; done: ReturnType<typeof deferred> }[] = [];
    const batcher = new ProduceBatcher<number>(
      (messages) => {
        const done = deferred();
        sends.push({ messages, done });
        return done.promise;
      },
      1,
      1_000,
    );
    const first = [batcher.add([1], 1), batcher.add([2, 3], 2)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(sends.map((s) => s.messages)).toEqual([[1, 2, 3]]);

    const later = [batcher.add([4], 1), batcher.add([5], 1)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(sends).toHaveLength(1); // one send in flight at most

    sends[0].done.resolve();
    await Promise.all(first);
    expect(sends.map((s) => s.messages)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    sends[1].done.resolve();
    await Promise.all(later);
  });

  it('refuses every append of a failed send and keeps going with the next ones', async () => {
    let calls = 0;
    const batcher = new ProduceBatcher<string>(
      async () => {
        calls++;
        if (calls === 1) throw new Error('broker gone');
      },
      2,
      1_000,
    );
    const results = await Promise.allSettled([batcher.add(['a'], 1), batcher.add(['b'], 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.add(['c'], 1)).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('caps a group by bytes but always sends an append bigger than the cap on its own', async () => {
    const groups: string[][] = [];
    const batcher = new ProduceBatcher<string>(
      async (messages) => {
        groups.push(messages);
      },
      4,
      10,
    );
    await Promise.all([batcher.add(['big'], 50), batcher.add(['x'], 6), batcher.add(['y'], 6)]);
    expect(groups).toEqual([['big'], ['x'], ['y']]);
  });
});
