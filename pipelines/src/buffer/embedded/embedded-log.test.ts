import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BufferEntry, BufferRecord, ConsumedBatch } from '../buffer.ts';
import { type EmbeddedLog, openEmbeddedLog } from './open-embedded-log.ts';
import { captureLogger } from './test-logger.ts';

const dirs: string[] = [];
const logs: EmbeddedLog[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-embedded-'));
  dirs.push(dir);
  return dir;
}

async function open(dir: string, extra: Record<string, unknown> = {}): Promise<EmbeddedLog> {
  const log = await openEmbeddedLog(
    { dir, segmentBytes: 64 * 1024, disk: { minFreeBytes: 0 }, consumer: { retryInitialMs: 5 }, ...extra },
    { logger: captureLogger().logger },
  );
  logs.push(log);
  return log;
}

function entry(i: number, size = 100): BufferEntry {
  const value = Buffer.alloc(size, i % 251);
  value.writeUInt32BE(i, 0);
  return { key: Buffer.from(`key-${i}`), value, headers: { 'otelgate-tenant': `t${i % 3}`, n: String(i) } };
}

/** Runs the consumer until `count` records arrived (or the batch handler says stop), then aborts. */
async function consume(
  log: EmbeddedLog,
  group: string,
  count: number,
  onBatch: (batch: ConsumedBatch) => void | Promise<void> = () => {},
): Promise<BufferRecord[]> {
  const received: BufferRecord[] = [];
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), 30_000);
  await log.consumer(group).run(async (batch) => {
    await onBatch(batch);
    received.push(...batch.records);
    if (received.length >= count) abort.abort();
  }, abort.signal);
  clearTimeout(timeout);
  return received;
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('embedded log', () => {
  it('hands back every appended record, in order and intact, across segment rolls', async () => {
    const dir = await tempDir();
    const log = await open(dir);
    for (let i = 0; i < 300; i++) await log.producer.append('traces', [entry(i, 1000 + i)]);
    const segments = (await readdir(join(dir, 'traces'))).filter((f) => f.endsWith('.log'));
    expect(segments.length).toBeGreaterThan(3);

    const records = await consume(log, 'workers', 300);
    expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(i)));
    for (const [i, record] of records.entries()) {
      expect(Buffer.from(record.value).equals(entry(i, 1000 + i).value as Buffer)).toBe(true);
      expect(Buffer.from(record.key!).toString()).toBe(`key-${i}`);
      expect(record.headers).toEqual({ 'otelgate-tenant': `t${i % 3}`, n: String(i) });
      expect(record.signal).toBe('traces');
      expect(record.partition).toBe(0);
    }
    expect((await log.consumer('workers').lag()).find((l) => l.signal === 'traces')).toEqual({
      signal: 'traces',
      partition: 0,
      committedOffset: 300n,
      lag: 0n,
    });
  });

  it('writes a group larger than IOV_MAX buffers in one commit, every record intact', async () => {
    const log = await open(await tempDir(), { segmentBytes: 64 << 20 });
    // 2,000 values of 5,000 bytes: 4,000 iovecs in one writev (Linux IOV_MAX is 1,024).
    await log.producer.append(
      'logs',
      Array.from({ length: 2000 }, (_, i) => entry(i, 5000)),
    );
    expect(log.stats().groupCommits).toBe(1);
    const records = await consume(log, 'g', 2000);
    expect(records.length).toBe(2000);
    for (const [i, record] of records.entries()) {
      expect(Buffer.from(record.value).equals(entry(i, 5000).value as Buffer)).toBe(true);
    }
  });

  it('keeps signals apart and respects batch limits', async () => {
    const log = await open(await tempDir(), { batch: { maxRecords: 7, maxBytes: 1 << 20 } });
    await log.producer.append(
      'logs',
      Array.from({ length: 20 }, (_, i) => entry(i)),
    );
    await log.producer.append('metrics', [entry(1000)]);
    const sizes: Record<string, number[]> = { logs: [], metrics: [] };
    await consume(log, 'g', 21, (batch) => {
      sizes[batch.signal].push(batch.records.length);
    });
    expect(sizes.logs).toEqual([7, 7, 6]);
    expect(sizes.metrics).toEqual([1]);
  });

  it('hands a record larger than batch.maxBytes over on its own rather than stalling', async () => {
    const log = await open(await tempDir(), { batch: { maxRecords: 100, maxBytes: 1000 } });
    await log.producer.append('logs', [entry(1, 5000), entry(2, 10), entry(3, 5000)]);
    const sizes: number[] = [];
    await consume(log, 'g', 3, (batch) => {
      sizes.push(batch.records.length);
    });
    expect(sizes.reduce((a, b) => a + b)).toBe(3);
    expect(sizes[0]).toBe(1);
  });

  it('group-commits concurrent appends: far fewer fsyncs than appends, each caller resolved after its fsync', async () => {
    const log = await open(await tempDir(), { segmentBytes: 16 << 20 });
    const appends = Array.from({ length: 200 }, (_, i) => log.producer.append('traces', [entry(i, 2000)]));
    await Promise.all(appends);
    const stats = log.stats();
    expect(stats.appendedRecords).toBe(200);
    expect(stats.fsyncs).toBe(stats.groupCommits);
    expect(stats.fsyncs).toBeLessThan(50);
    expect(stats.signals.traces.endOffset).toBe(200n);
  });

  it('with fsync: never, acknowledges after the write alone and still serves everything after a reopen', async () => {
    const dir = await tempDir();
    let log = await open(dir, { fsync: 'never' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.producer.append('traces', [entry(i)])));
    expect(log.stats().fsyncs).toBe(0);
    expect(log.stats().groupCommits).toBeGreaterThan(0);
    await log.close();
    log = await open(dir);
    expect(log.stats().signals.traces.endOffset).toBe(20n);
  });

  it('resumes from the committed offset after a reopen, and replays only what was not committed', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    for (let i = 0; i < 10; i++) await log.producer.append('logs', [entry(i)]);
    await consume(log, 'g', 10);
    for (let i = 10; i < 15; i++) await log.producer.append('logs', [entry(i)]);
    await log.close();

    log = await open(dir);
    expect((await log.consumer('g').lag()).find((l) => l.signal === 'logs')?.lag).toBe(5n);
    const records = await consume(log, 'g', 5);
    expect(records.map((r) => Number(r.offset))).toEqual([10, 11, 12, 13, 14]);
    await log.producer.append('logs', [entry(15)]);
    expect((await log.consumer('g').lag()).find((l) => l.signal === 'logs')?.lag).toBe(1n);
  });

  it('a new group starts at the oldest record; groups commit independently', async () => {
    const log = await open(await tempDir());
    await log.producer.append('metrics', [entry(0), entry(1), entry(2)]);
    expect((await consume(log, 'a', 3)).length).toBe(3);
    expect((await consume(log, 'b', 3)).map((r) => Number(r.offset))).toEqual([0, 1, 2]);
  });

  it('hands the same batch over again after the handler rejects, with backoff, and commits only after it resolves', async () => {
    const dir = await tempDir();
    const log = await open(dir, { batch: { maxRecords: 2, maxBytes: 1 << 20 } });
    await log.producer.append('traces', [entry(0), entry(1), entry(2)]);
    const seen: string[] = [];
    let failures = 0;
    const abort = new AbortController();
    await log.consumer('g').run(async (batch) => {
      seen.push(batch.records.map((r) => r.offset).join(','));
      if (batch.records[0].offset === 0n && failures < 3) {
        failures++;
        throw new Error('exporter down');
      }
      if (batch.records.at(-1)!.offset === 2n) abort.abort();
    }, abort.signal);
    expect(seen).toEqual(['0,1', '0,1', '0,1', '0,1', '2']);
    expect((await log.consumer('g').lag()).find((l) => l.signal === 'traces')?.committedOffset).toBe(3n);
  });

  it('stops on abort after a rejection without committing, so the batch is handed over after a restart', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    await log.producer.append('traces', [entry(0)]);
    const abort = new AbortController();
    await log.consumer('g').run(async () => {
      abort.abort();
      throw new Error('sink down');
    }, abort.signal);
    await log.close();
    log = await open(dir);
    expect((await consume(log, 'g', 1)).map((r) => r.offset)).toEqual([0n]);
  });

  it('follows the tail: a waiting consumer gets an append at once, without waiting for the poll timer', async () => {
    const log = await open(await tempDir(), { consumer: { pollIntervalMs: 60_000 } });
    const received = consume(log, 'g', 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await log.producer.append('logs', [entry(0)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await log.producer.append('logs', [entry(1)]);
    expect((await received).map((r) => r.offset)).toEqual([0n, 1n]);
  });

  it('refuses an entry larger than maxRecordBytes with payload-too-large', async () => {
    const log = await open(await tempDir(), { maxRecordBytes: 2048 });
    await expect(log.producer.append('logs', [entry(0, 4096)])).rejects.toMatchObject({ kind: 'payload-too-large' });
    expect(log.stats().refusedAppends['too-large']).toBe(1);
  });

  it('restarts a group whose offsets file is unreadable at the oldest record instead of refusing to start', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    await log.producer.append('logs', [entry(0), entry(1)]);
    await consume(log, 'g', 2);
    await log.close();
    await writeFile(join(dir, 'consumer-offsets', 'g.json'), '{"logs": "2"');
    log = await open(dir);
    expect((await consume(log, 'g', 2)).map((r) => r.offset)).toEqual([0n, 1n]);
  });

  it('run() returns when the log is closed under it', async () => {
    const log = await openEmbeddedLog(
      { dir: await tempDir(), disk: { minFreeBytes: 0 }, consumer: { pollIntervalMs: 50 } },
      { logger: captureLogger().logger },
    );
    const running = log.consumer('g').run(async () => {}, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await log.close();
    await running;
  });

  it('refuses a second process-local open of the same directory', async () => {
    const dir = await tempDir();
    await open(dir);
    await expect(open(dir)).rejects.toMatchObject({ kind: 'internal' });
  });
});
