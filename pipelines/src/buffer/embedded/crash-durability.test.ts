// kill -9 at random instants: every append that was acknowledged is there, intact, after reopening.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { crashEntry } from './crash-appender.ts';
import { openEmbeddedLog } from './open-embedded-log.ts';
import { captureLogger } from './test-logger.ts';

const appender = fileURLToPath(new URL('./crash-appender.ts', import.meta.url));
const dirs: string[] = [];

/** Runs the appender, SIGKILLs it `killAfterMs` after it is ready, and returns the ids it acknowledged. */
function runAndKill(dir: string, firstId: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appender, dir, String(firstId)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: number[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender exited on its own: ${code} ${signal}`));
      else resolve(acked);
    });
  });
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('embedded log under kill -9', () => {
  it('keeps every acknowledged append across 10 SIGKILLs at random instants', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otelgate-kill9-'));
    dirs.push(dir);
    const acknowledged: number[] = [];
    for (let round = 0; round < 10; round++) {
      const ids = await runAndKill(dir, round * 1_000_000, 150 + Math.floor(Math.random() * 400));
      acknowledged.push(...ids);
    }
    expect(acknowledged.length).toBeGreaterThan(100);

    const { logger } = captureLogger();
    const log = await openEmbeddedLog({ dir, disk: { minFreeBytes: 0 } }, { logger });
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
      const missing = acknowledged.filter((id) => !byId.has(id));
      expect(missing).toEqual([]);
      for (const id of acknowledged) expect(byId.get(id)!.equals(crashEntry(id).value as Buffer)).toBe(true);
    } finally {
      await log.close();
    }
  });
});
