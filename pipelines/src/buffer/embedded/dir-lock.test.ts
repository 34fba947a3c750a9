import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDirectory, processStartTime } from './dir-lock.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-lock-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('buffer directory lock', () => {
  it('takes over a lock left by a process that is gone', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.on('exit', resolve));
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid }));
    const unlock = await lockDirectory(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await unlock();
  });

  it('takes over a lock naming our own pid from an earlier life (a restarted container keeps its pid)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, startTime: '1' }));
    const unlock = await lockDirectory(dir);
    await unlock();
  });

  it('refuses a directory a live process holds, and one already open in this process', async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await new Promise((resolve) => child.on('spawn', resolve));
      // The start time appears in /proc a moment after spawn on a busy machine: wait for it.
      let startTime: string | undefined;
      for (let i = 0; i < 50 && !startTime; i++) {
        startTime = processStartTime(child.pid!);
        if (!startTime) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, startTime }));
      await expect(lockDirectory(dir)).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      child.kill('SIGKILL');
    }
    const other = await tempDir();
    const unlock = await lockDirectory(other);
    await expect(lockDirectory(other)).rejects.toMatchObject({ kind: 'internal' });
    await unlock();
  });
});
