// A full disk recovers without an operator: once consumers commit, the segments every group has
// committed past are deleted at once (not on the retention schedule) and appends are accepted
// again; records no group has consumed are never deleted to make room. The disk is simulated:
// its free space is a fixed capacity minus the bytes the log's real files take, so deleting a
// segment frees space exactly as it would on a small file system.
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OtelgateError } from '../../errors/error-kinds.ts';
import type { BufferRecord } from '../buffer.ts';
import { type EmbeddedLog, openEmbeddedLog } from './open-embedded-log.ts';
import { captureLogger } from './test-logger.ts';

const KiB = 1024;
const CAPACITY = 1536 * KiB;
const MIN_FREE = 512 * KiB;
const RECORD_BYTES = 4 * KiB;

const dirs: string[] = [];
const logs: EmbeddedLog[] = [];

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function usedBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    total += entry.isDirectory() ? usedBytes(child) : statSync(child).size;
  }
  return total;
}

async function openSmallDisk(): Promise<{ log: EmbeddedLog; messages: () => string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-disk-full-'));
  dirs.push(dir);
  const { logger, lines } = captureLogger();
  const log = await openEmbeddedLog(
    {
      dir,
      segmentBytes: 64 * KiB,
      disk: { minFreeBytes: MIN_FREE, checkIntervalMs: 50 },
      // The schedule never runs during the test and nothing is old: only the disk guard can delete.
      retention: { checkIntervalMs: 3_600_000, maxAgeHours: 24 },
      batch: { maxRecords: 10 },
    },
    { logger, freeBytes: async (path) => CAPACITY - usedBytes(path) },
  );
  logs.push(log);
  return { log, messages: () => lines.map((line) => String(line.msg)) };
}

function entry(n: number) {
  return { value: Buffer.alloc(RECORD_BYTES, n % 251), headers: { n: String(n) } };
}

/** Appends one record at a time until the log refuses; returns how many were acknowledged. */
async function fillUntilRefused(log: EmbeddedLog, first: number): Promise<{ acked: number; refusal: OtelgateError }> {
  for (let n = first; n < first + 2_000; n++) {
    try {
      await log.producer.append('logs', [entry(n)]);
    } catch (error) {
      return { acked: n - first, refusal: error as OtelgateError };
    }
  }
  throw new Error('the simulated disk never filled');
}

/** Consumes as `group` until `count` more records arrived (whole batches are committed). */
async function consume(log: EmbeddedLog, count: number, group = 'g'): Promise<BufferRecord[]> {
  const received: BufferRecord[] = [];
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  await log.consumer(group).run(async (batch) => {
    received.push(...batch.records);
    if (received.length >= count) abort.abort();
  }, abort.signal);
  clearTimeout(timer);
  return received;
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition()).toBe(true);
}

const numbers = (records: BufferRecord[]) => records.map((record) => Number(record.headers.n));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('embedded log on a full disk', () => {
  it('becomes writable by itself once consumers commit, deleting consumed segments at once, and delivers every acknowledged record', async () => {
    const { log, messages } = await openSmallDisk();
    log.consumer('g');
    const { acked, refusal } = await fillUntilRefused(log, 0);
    expect(refusal).toMatchObject({ kind: 'unavailable', message: 'buffer disk is full' });
    expect(acked).toBeGreaterThan(100);
    expect(log.producer.isWritable()).toBe(false);

    // Nothing consumed yet: several checks later nothing is deleted and it stays full.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(log.stats().segmentsDeleted).toBe(0);
    expect(log.producer.isWritable()).toBe(false);

    const first = await consume(log, acked);
    expect(numbers(first)).toEqual(range(0, acked));
    await waitUntil(() => log.producer.isWritable());
    expect(log.stats().segmentsDeleted).toBeGreaterThan(0);
    expect(messages()).toContain('disk space low: deleted segments every consumer group has committed past');

    // Writable for real: a second fill is accepted and delivered after the first, nothing missing.
    const second = await fillUntilRefused(log, acked);
    expect(second.acked).toBeGreaterThan(100);
    expect(numbers(await consume(log, second.acked))).toEqual(range(acked, second.acked));
  });

  it('deletes only what every group has committed past: the unconsumed half is kept and delivered', async () => {
    const { log } = await openSmallDisk();
    log.consumer('g');
    log.consumer('slow'); // a second group that has consumed nothing holds everything back
    const { acked } = await fillUntilRefused(log, 0);
    const half = await consume(log, Math.floor(acked / 2));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(log.stats().segmentsDeleted).toBe(0);
    expect(log.producer.isWritable()).toBe(false);

    // The slow group catches up on the first half only: just the segments below both are deleted.
    const slowHalf = await consume(log, half.length, 'slow');
    await waitUntil(() => log.producer.isWritable());
    const deleted = log.stats().segmentsDeleted;
    expect(deleted).toBeGreaterThan(0);
    expect(log.stats().signals.logs.startOffset).toBeLessThanOrEqual(BigInt(Math.min(half.length, slowHalf.length)));

    // Every record past what was consumed is still there, in order.
    const rest = await consume(log, acked - half.length);
    expect(numbers(rest)).toEqual(range(half.length, acked - half.length));
  });
});
