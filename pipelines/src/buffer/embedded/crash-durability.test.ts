// kill -9 at random instants. Appender: every acknowledged append is there, intact, after
// reopening. Consumer: the committed offset never passes what the handler finished, and a
// restarted consumer resumes exactly there, so every record is handled at least once.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { crashEntry } from './crash-child.ts';
import { openEmbeddedLog } from './open-embedded-log.ts';
import { captureLogger } from './test-logger.ts';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-kill9-'));
  dirs.push(dir);
  return dir;
}

/** Runs the child, SIGKILLs it `killAfterMs` after it is ready, and returns the lines it printed. */
function runAndKill(args: string[], killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let pending = '';
    process_.stdout.setEncoding('utf8');
    process_.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const line of complete) {
        if (line === 'ready') setTimeout(() => process_.kill('SIGKILL'), killAfterMs);
        else lines.push(line);
      }
    });
    process_.on('error', reject);
    process_.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own: ${code} ${signal}`));
      else resolve(lines);
    });
  });
}

const randomInstant = () => 150 + Math.floor(Math.random() * 400);

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('embedded log under kill -9', () => {
  it('keeps every acknowledged append across 10 SIGKILLs at random instants', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const acknowledged: number[] = [];
    for (let round = 0; round < 10; round++) {
      const lines = await runAndKill(['append', dir, String(round * 1_000_000)], randomInstant());
      acknowledged.push(...lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.slice(4))));
    }
    expect(acknowledged.length).toBeGreaterThan(100);

    const log = await openEmbeddedLog({ dir, disk: { minFreeBytes: 0 } }, { logger: captureLogger().logger });
    try {
      const byId = new Map<number, Buffer>();
      const offsets: bigint[] = [];
      const abort = new AbortController();
      const end = log.stats().signals.traces.endOffset;
      await log.consumer('check').run(async (batch) => {
        for (const record of batch.records) {
          offsets.push(record.offset);
          byId.set(Number(record.headers.id), Buffer.from(record.value));
        }
        if (batch.records.at(-1)!.offset === end - 1n) abort.abort();
      }, abort.signal);
      // Offsets run on without gaps, and no record is served twice.
      expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => BigInt(i)));
      expect(acknowledged.filter((id) => !byId.has(id))).toEqual([]);
      for (const id of acknowledged) expect(byId.get(id)!.equals(crashEntry(id).value as Buffer)).toBe(true);
    } finally {
      await log.close();
    }
  });

  it('never commits past what the handler finished, and resumes at the commit, across 10 SIGKILLs', {
    timeout: 120_000,
  }, async () => {
    const dir = await tempDir();
    const total = 20_000;
    const log = await openEmbeddedLog({ dir, disk: { minFreeBytes: 0 } }, { logger: captureLogger().logger });
    for (let i = 0; i < total; i += 1000) {
      await log.producer.append(
        'logs',
        Array.from({ length: 1000 }, (_, j) => ({ value: Buffer.from(String(i + j)), headers: {} })),
      );
    }
    await log.close();

    const handled = new Set<number>();
    let committed = 0;
    for (let round = 0; round < 10 && committed < total; round++) {
      const lines = await runAndKill(['consume', dir], randomInstant());
      const batches = lines.filter((l) => l.startsWith('handled ')).map((l) => l.split(' ').slice(1).map(Number));
      // A restarted consumer starts exactly at the committed offset.
      if (batches.length > 0) expect(batches[0][0]).toBe(committed);
      for (const [first, last] of batches) for (let o = first; o <= last; o++) handled.add(o);
      const file = await readFile(join(dir, 'consumer-offsets', 'workers.json'), 'utf8').catch(() => '{}');
      const now = Number(JSON.parse(file).logs ?? 0);
      expect(now).toBeGreaterThanOrEqual(committed);
      // Nothing is committed that the handler did not finish.
      const lastHandled = batches.length > 0 ? batches.at(-1)![1] : committed - 1;
      expect(now).toBeLessThanOrEqual(lastHandled + 1);
      committed = now;
    }
    expect(committed).toBeGreaterThan(0);
    for (let o = 0; o < committed; o++) expect(handled.has(o)).toBe(true);
  });
});
