import { mkdtemp, open as openFile, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BufferEntry, BufferRecord } from '../buffer.ts';
import { type EmbeddedLog, openEmbeddedLog } from './open-embedded-log.ts';
import { type CapturedLogger, captureLogger } from './test-logger.ts';

const dirs: string[] = [];
const logs: EmbeddedLog[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-recovery-'));
  dirs.push(dir);
  return dir;
}

async function open(dir: string, capture: CapturedLogger = captureLogger()): Promise<EmbeddedLog> {
  const log = await openEmbeddedLog(
    { dir, segmentBytes: 16 * 1024, disk: { minFreeBytes: 0 } },
    { logger: capture.logger },
  );
  logs.push(log);
  return log;
}

function entry(i: number): BufferEntry {
  return { value: Buffer.alloc(1000, i), headers: { n: String(i).padStart(3, '0') } };
}

async function readAll(log: EmbeddedLog, group: string, expected: number): Promise<BufferRecord[]> {
  const received: BufferRecord[] = [];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 5_000);
  await log.consumer(group).run(async (batch) => {
    received.push(...batch.records);
    if (received.length >= expected) abort.abort();
  }, abort.signal);
  clearTimeout(timer);
  return received;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
}

async function flipByte(path: string, position: number): Promise<void> {
  const handle = await openFile(path, 'r+');
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, position);
  byte[0] ^= 0xff;
  await handle.write(byte, 0, 1, position);
  await handle.close();
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('embedded log recovery on open', () => {
  it('cuts off a record torn mid-write, reports it, and serves everything before it', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    for (let i = 0; i < 5; i++) await log.producer.append('logs', [entry(i)]);
    await log.close();
    const [file] = await segmentFiles(join(dir, 'logs'));
    const path = join(dir, 'logs', file);
    const size = (await stat(path)).size;
    await truncate(path, size - 300);

    const capture = captureLogger();
    log = await open(dir, capture);
    expect(log.stats().tornTailTruncations).toBe(1);
    expect(capture.lines.some((l) => l.level === 40 && /damaged tail cut off/.test(l.msg))).toBe(true);
    expect((await stat(path)).size).toBe((size / 5) * 4);
    const records = await readAll(log, 'g', 4);
    expect(records.map((r) => Number(r.offset))).toEqual([0, 1, 2, 3]);
    expect(records.every((r, i) => r.value.every((b) => b === i))).toBe(true);

    // The log goes on from the cut: the next record gets offset 4.
    await log.producer.append('logs', [entry(9)]);
    expect(log.stats().signals.logs.endOffset).toBe(5n);
  });

  it('cuts off a last record whose bytes were changed (bad checksum) and never serves it', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    for (let i = 0; i < 5; i++) await log.producer.append('traces', [entry(i)]);
    await log.close();
    const [file] = await segmentFiles(join(dir, 'traces'));
    const path = join(dir, 'traces', file);
    const size = (await stat(path)).size;
    await flipByte(path, size - 10);

    log = await open(dir);
    expect(log.stats().tornTailTruncations).toBe(1);
    expect(log.stats().truncatedBytes).toBe(size / 5);
    const records = await readAll(log, 'g', 4);
    expect(records.map((r) => Number(r.offset))).toEqual([0, 1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.stats().signals.traces.endOffset).toBe(4n);
  });

  it('cuts off garbage appended after the last whole record (a length that runs past the end)', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    await log.producer.append('metrics', [entry(0), entry(1)]);
    await log.close();
    const [file] = await segmentFiles(join(dir, 'metrics'));
    const handle = await openFile(join(dir, 'metrics', file), 'a');
    await handle.write(Buffer.from([0, 1, 0, 0, 1, 2, 3, 4, 5]));
    await handle.close();

    log = await open(dir);
    expect(log.stats().tornTailTruncations).toBe(1);
    expect((await readAll(log, 'g', 2)).map((r) => Number(r.offset))).toEqual([0, 1]);
  });

  it('opens a clean log without reporting damage', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    await log.producer.append('logs', [entry(0)]);
    await log.close();
    log = await open(dir);
    expect(log.stats().tornTailTruncations).toBe(0);
    expect(log.stats().signals.logs.endOffset).toBe(1n);
  });

  for (const [where, damage] of [
    ['its checksum fails', 40],
    ['its length field is damaged', 1],
  ] as const) {
    it(`loses only a damaged record in the middle of an older segment (${where}), reporting it, and serves the rest`, async () => {
      const dir = await tempDir();
      let log = await open(dir);
      // 16 KiB segments, ~1 KiB records: several sealed segments.
      for (let i = 0; i < 60; i++) await log.producer.append('logs', [entry(i)]);
      await log.close();
      const files = await segmentFiles(join(dir, 'logs'));
      expect(files.length).toBeGreaterThan(2);
      const secondBase = Number(files[1].slice(0, 20));
      const recordSize = (await stat(join(dir, 'logs', files[0]))).size / secondBase;
      // Damage the second record of the second segment.
      await flipByte(join(dir, 'logs', files[1]), recordSize + damage);

      const capture = captureLogger();
      log = await open(dir, capture);
      expect(log.stats().tornTailTruncations).toBe(0);
      const records = await readAll(log, 'g', 59);
      expect(records.map((r) => Number(r.offset))).toEqual(
        Array.from({ length: 60 }, (_, i) => i).filter((i) => i !== secondBase + 1),
      );
      expect(records.every((r) => r.value.every((b) => b === Number(r.offset)))).toBe(true);
      expect(log.stats().corruptRecordsSkipped).toBe(1);
      expect(capture.lines.some((l) => l.level === 50 && /damaged record in committed data/.test(l.msg))).toBe(true);
    });
  }

  it('resumes at the next segment when the damaged record is the last of its segment', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    for (let i = 0; i < 40; i++) await log.producer.append('logs', [entry(i)]);
    await log.close();
    const files = await segmentFiles(join(dir, 'logs'));
    const firstSize = (await stat(join(dir, 'logs', files[0]))).size;
    await flipByte(join(dir, 'logs', files[0]), firstSize - 5);
    const lastOfFirst = Number(files[1].slice(0, 20)) - 1;

    log = await open(dir);
    const records = await readAll(log, 'g', 39);
    expect(records.map((r) => Number(r.offset))).toEqual(
      Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== lastOfFirst),
    );
    expect(log.stats().corruptRecordsSkipped).toBe(1);
  });
});
