// Write and fsync failures, a full disk and the size cap: nothing that was not made durable is
// acknowledged, callers get a retryable error, and the log recovers by itself.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OtelgateError } from '../../errors/error-kinds.ts';
import type { BufferEntry, BufferRecord } from '../buffer.ts';
import { type EmbeddedLog, openEmbeddedLog } from './open-embedded-log.ts';
import { nodeSegmentIo, type SegmentIo } from './segment-io.ts';
import { captureLogger } from './test-logger.ts';

const dirs: string[] = [];
const logs: EmbeddedLog[] = [];

interface Faults {
  /** The next writes write half their bytes, then fail with this code. */
  write?: string;
  /** The next writes stop after their first buffer (what a filling disk does). */
  short?: boolean;
  sync?: string;
  truncate?: string;
}

function faultyIo(faults: Faults): SegmentIo {
  const fail = (code: string) => Object.assign(new Error(`injected ${code}`), { code });
  return {
    async writev(handle, buffers, position) {
      if (faults.write) {
        const all = Buffer.concat(buffers);
        await handle.write(all, 0, all.length >> 1, position);
        throw fail(faults.write);
      }
      if (faults.short) return nodeSegmentIo.writev(handle, buffers.slice(0, 1), position);
      return nodeSegmentIo.writev(handle, buffers, position);
    },
    async datasync(handle) {
      if (faults.sync) throw fail(faults.sync);
      return nodeSegmentIo.datasync(handle);
    },
    async truncate(handle, length) {
      if (faults.truncate) throw fail(faults.truncate);
      return nodeSegmentIo.truncate(handle, length);
    },
  };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-faults-'));
  dirs.push(dir);
  return dir;
}

async function open(dir: string, faults: Faults = {}, extra: Record<string, unknown> = {}): Promise<EmbeddedLog> {
  const log = await openEmbeddedLog(
    // The pause after a failure (one check interval) is long enough to observe on a busy machine.
    { dir, segmentBytes: 16 * 1024, disk: { minFreeBytes: 0, checkIntervalMs: 300 }, ...extra },
    { logger: captureLogger().logger, io: faultyIo(faults) },
  );
  logs.push(log);
  return log;
}

function entry(i: number, size = 1000): BufferEntry {
  return { value: Buffer.alloc(size, i), headers: { n: String(i).padStart(4, '0') } };
}

async function readAll(log: EmbeddedLog, group: string, expected: number): Promise<BufferRecord[]> {
  const received: BufferRecord[] = [];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3_000);
  await log.consumer(group).run(async (batch) => {
    received.push(...batch.records);
    if (received.length >= expected) abort.abort();
  }, abort.signal);
  clearTimeout(timer);
  return received;
}

async function logFileBytes(dir: string): Promise<number> {
  let total = 0;
  for (const file of await readdir(dir)) if (file.endsWith('.log')) total += (await stat(join(dir, file))).size;
  return total;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('embedded log under write faults', () => {
  for (const [name, faults] of [
    ['a write fails with EIO', { write: 'EIO' }],
    ['fdatasync fails with EIO', { sync: 'EIO' }],
  ] as const) {
    it(`${name}: every caller of the group is refused (unavailable, Retry-After), the partial write is cut off, then it recovers`, async () => {
      const dir = await tempDir();
      const current: Faults = {};
      const log = await open(dir, current);
      await log.producer.append('logs', [entry(0)]);
      const before = await logFileBytes(join(dir, 'logs'));

      Object.assign(current, faults);
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => log.producer.append('logs', [entry(i + 1)])),
      );
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const error = (result as PromiseRejectedResult).reason as OtelgateError;
        expect(error).toBeInstanceOf(OtelgateError);
        expect(error.kind).toBe('unavailable');
        expect(error.retryAfterSeconds).toBeGreaterThan(0);
      }
      expect(log.producer.isWritable()).toBe(false);
      expect(await logFileBytes(join(dir, 'logs'))).toBe(before);
      expect(log.stats().refusedAppends['io-error']).toBeGreaterThan(0);
      expect(log.stats().signals.logs.endOffset).toBe(1n);

      delete current.write;
      delete current.sync;
      await waitUntil(() => log.producer.isWritable());
      await log.producer.append('logs', [entry(42)]);
      const records = await readAll(log, 'g', 2);
      expect(records.map((r) => [Number(r.offset), r.value[0]])).toEqual([
        [0, 0],
        [1, 42],
      ]);
    });
  }

  it('a short write (disk filling up) is refused as disk full until free space is seen again', async () => {
    const dir = await tempDir();
    const current: Faults = {};
    const log = await open(dir, current);
    current.short = true;
    await expect(log.producer.append('traces', [entry(1, 8000)])).rejects.toMatchObject({ kind: 'unavailable' });
    expect(log.producer.isWritable()).toBe(false);
    await expect(log.producer.append('traces', [entry(2)])).rejects.toMatchObject({ kind: 'unavailable' });
    expect(log.stats().refusedAppends['disk-full']).toBe(2);
    expect(await logFileBytes(join(dir, 'traces'))).toBe(0);

    current.short = false;
    await waitUntil(() => log.producer.isWritable());
    await log.producer.append('traces', [entry(3)]);
    expect((await readAll(log, 'g', 1)).map((r) => r.value[0])).toEqual([3]);
  });

  it('when cutting off a failed write fails too, the next commit cuts it first: no unacknowledged bytes survive', async () => {
    const dir = await tempDir();
    const current: Faults = {};
    let log = await open(dir, current);
    await log.producer.append('metrics', [entry(0)]);
    Object.assign(current, { write: 'EIO', truncate: 'EIO' });
    await expect(log.producer.append('metrics', [entry(1, 5000)])).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await logFileBytes(join(dir, 'metrics'))).toBeGreaterThan(2000);
    current.write = undefined;
    current.truncate = undefined;
    await waitUntil(() => log.producer.isWritable());
    await log.producer.append('metrics', [entry(2)]);
    await log.close();

    log = await open(dir);
    expect(log.stats().tornTailTruncations).toBe(0);
    expect((await readAll(log, 'g', 2)).map((r) => [Number(r.offset), r.value[0]])).toEqual([
      [0, 0],
      [1, 2],
    ]);
  });

  it('refuses appends while free space is below disk.minFreeBytes, and /readyz would say so', async () => {
    const log = await open(
      await tempDir(),
      {},
      { disk: { minFreeBytes: Number.MAX_SAFE_INTEGER, checkIntervalMs: 50 } },
    );
    expect(log.producer.isWritable()).toBe(false);
    await expect(log.producer.append('logs', [entry(0)])).rejects.toMatchObject({
      kind: 'unavailable',
      retryAfterSeconds: 1,
    });
    expect(log.stats().refusedAppends['disk-full']).toBe(1);
  });
});

describe('embedded log size cap (maxBytes)', () => {
  it('refuses with resource-exhausted once unconsumed data fills maxBytes, never dropping acknowledged records', async () => {
    const dir = await tempDir();
    const log = await open(dir, {}, { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 });
    log.consumer('g'); // a known group that has consumed nothing
    let acked = 0;
    let refusal: unknown;
    for (let i = 0; i < 200 && !refusal; i++) {
      try {
        await log.producer.append('logs', [entry(i)]);
        acked++;
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toMatchObject({ kind: 'resource-exhausted' });
    expect((refusal as OtelgateError).retryable).toBe(true);
    expect(acked).toBeGreaterThan(40);
    expect(log.stats().refusedAppends['max-bytes']).toBe(1);
    expect(log.stats().segmentsDeleted).toBe(0);

    // Once consumed, the pressure deletes committed segments and appends flow again.
    const records = await readAll(log, 'g', acked);
    expect(records.map((r) => Number(r.offset))).toEqual(Array.from({ length: acked }, (_, i) => i));
    await log.producer.append('logs', [entry(250)]);
    expect(log.stats().segmentsDeleted).toBeGreaterThan(0);
  });
});
