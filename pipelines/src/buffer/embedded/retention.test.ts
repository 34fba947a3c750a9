import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BufferEntry } from '../buffer.ts';
import { type EmbeddedLog, openEmbeddedLog } from './open-embedded-log.ts';
import { captureLogger } from './test-logger.ts';

const dirs: string[] = [];
const logs: EmbeddedLog[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-retention-'));
  dirs.push(dir);
  return dir;
}

async function open(dir: string, retention: Record<string, unknown>): Promise<EmbeddedLog> {
  const log = await openEmbeddedLog(
    { dir, segmentBytes: 8 * 1024, disk: { minFreeBytes: 0 }, retention },
    { logger: captureLogger().logger },
  );
  logs.push(log);
  return log;
}

function entry(i: number): BufferEntry {
  return { value: Buffer.alloc(1000, i), headers: {} };
}

async function consumeUpTo(log: EmbeddedLog, group: string, count: number): Promise<void> {
  let received = 0;
  const abort = new AbortController();
  await log.consumer(group).run(async (batch) => {
    received += batch.records.length;
    if (received >= count) abort.abort();
  }, abort.signal);
}

async function segmentBases(dir: string): Promise<number[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith('.log'))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b);
}

/** Makes every segment file look `hours` old (retention reads the mtime of segments found on open). */
async function age(dir: string, hours: number): Promise<void> {
  const then = new Date(Date.now() - hours * 3_600_000);
  for (const file of await readdir(dir)) await utimes(join(dir, file), then, then);
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('embedded log retention', () => {
  it('deletes old segments only once every known group committed past them', async () => {
    const dir = await tempDir();
    let log = await open(dir, {});
    for (let i = 0; i < 60; i++) await log.producer.append('logs', [entry(i)]);
    log.consumer('slow');
    await consumeUpTo(log, 'fast', 60);
    await consumeUpTo(log, 'slow', 20);
    const slowAt = Number((await log.consumer('slow').lag()).find((l) => l.signal === 'logs')!.committedOffset);
    expect(slowAt).toBeGreaterThanOrEqual(20);
    expect(slowAt).toBeLessThan(60);
    await log.close();
    const before = await segmentBases(join(dir, 'logs'));
    expect(before.length).toBeGreaterThan(4);
    await age(join(dir, 'logs'), 48);

    log = await open(dir, { maxAgeHours: 24 });
    expect(await log.runRetention()).toBeGreaterThan(0);
    const after = await segmentBases(join(dir, 'logs'));
    // Every segment holding an offset slow has not consumed is still there.
    const kept = before.filter((_, i) => (before[i + 1] ?? Number.POSITIVE_INFINITY) > slowAt);
    expect(after).toEqual(kept);
    expect(log.stats().signals.logs.startOffset).toBe(BigInt(kept[0]));

    // slow resumes exactly where it was; nothing it has not consumed is gone.
    const offsets: number[] = [];
    const abort = new AbortController();
    await log.consumer('slow').run(async (batch) => {
      offsets.push(...batch.records.map((r) => Number(r.offset)));
      if (offsets.at(-1) === 59) abort.abort();
    }, abort.signal);
    expect(offsets).toEqual(Array.from({ length: 60 - slowAt }, (_, i) => slowAt + i));
  });

  it('keeps young committed segments until the log passes retention.maxBytes', async () => {
    const dir = await tempDir();
    const log = await open(dir, { maxAgeHours: 24, maxBytes: 1 << 30 });
    for (let i = 0; i < 40; i++) await log.producer.append('traces', [entry(i)]);
    await consumeUpTo(log, 'g', 40);
    expect(await log.runRetention()).toBe(0);
    await log.close();

    const small = await open(dir, { maxAgeHours: 24, maxBytes: 16 * 1024 });
    expect(await small.runRetention()).toBeGreaterThan(0);
    expect(small.stats().signals.traces.bytesOnDisk).toBeLessThanOrEqual(16 * 1024);
    expect(small.stats().signals.traces.endOffset).toBe(40n);
  });

  for (const [how, retention, forget] of [
    ['once it has not committed for groupExpiryHours', { maxAgeHours: 24, groupExpiryHours: 168 }, false],
    ['once forgotten with forgetGroup()', { maxAgeHours: 24, groupExpiryHours: 100_000 }, true],
  ] as const) {
    it(`stops waiting for a group that is not consuming here ${how}`, async () => {
      const dir = await tempDir();
      let log = await open(dir, {});
      for (let i = 0; i < 60; i++) await log.producer.append('logs', [entry(i)]);
      await consumeUpTo(log, 'retired', 1);
      await consumeUpTo(log, 'current', 60);
      await log.close();
      await age(join(dir, 'logs'), 48);
      await age(join(dir, 'consumer-offsets'), 24 * 10);

      log = await open(dir, retention);
      log.consumer('current');
      if (forget) {
        expect(await log.forgetGroup('current')).toBe(false);
        expect(await log.forgetGroup('retired')).toBe(true);
        expect(await readdir(join(dir, 'consumer-offsets'))).toEqual(['current.json']);
      }
      expect(await log.runRetention()).toBeGreaterThan(0);
      // Everything but the active segment was committed by `current`.
      expect(await segmentBases(join(dir, 'logs'))).toHaveLength(1);
    });
  }

  it('keeps waiting for a group consuming in this process, however long since it committed', async () => {
    const dir = await tempDir();
    let log = await open(dir, {});
    for (let i = 0; i < 60; i++) await log.producer.append('logs', [entry(i)]);
    await consumeUpTo(log, 'slow', 1);
    await consumeUpTo(log, 'current', 60);
    await log.close();
    await age(join(dir, 'logs'), 48);
    await age(join(dir, 'consumer-offsets'), 24 * 10);
    log = await open(dir, { maxAgeHours: 24, groupExpiryHours: 1 });
    log.consumer('current');
    log.consumer('slow');
    const before = await segmentBases(join(dir, 'logs'));
    await log.runRetention();
    const slowAt = Number((await log.consumer('slow').lag()).find((l) => l.signal === 'logs')!.committedOffset);
    expect(await segmentBases(join(dir, 'logs'))).toEqual(
      before.filter((_, i) => (before[i + 1] ?? Number.POSITIVE_INFINITY) > slowAt),
    );
  });

  it('never deletes anything while no consumer group is known', async () => {
    const dir = await tempDir();
    let log = await open(dir, {});
    for (let i = 0; i < 40; i++) await log.producer.append('metrics', [entry(i)]);
    await log.close();
    await age(join(dir, 'metrics'), 100);
    log = await open(dir, { maxAgeHours: 1, maxBytes: 0 });
    expect(await log.runRetention()).toBe(0);
    expect(log.stats().signals.metrics.startOffset).toBe(0n);
  });
});
