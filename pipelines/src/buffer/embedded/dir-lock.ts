// One process per log directory: a lock file naming the owner (pid and, on Linux, the process
// start time, so a recycled pid — a container restarted with the same pid 1 — is not mistaken
// for the owner). A lock left by a dead process (kill -9, crash) is taken over.
import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OtelgateError } from '../../errors/error-kinds.ts';

export const LOCK_FILE = 'otelgate.lock';

interface LockOwner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); absent where /proc is not. */
  startTime?: string;
}

/** Directories this process has open: a second open here is a bug, not a stale lock. */
const openHere = new Set<string>();

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ownerAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.startTime === undefined) return true;
  const now = processStartTime(owner.pid);
  return now === undefined || now === owner.startTime;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(text) as LockOwner;
    return Number.isInteger(parsed.pid) && parsed.pid > 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the directory's lock; resolves with the function that releases it. */
export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  if (openHere.has(dir)) throw new OtelgateError('internal', `buffer directory ${dir} is already open in this process`);
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, startTime: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      openHere.add(dir);
      return async () => {
        openHere.delete(dir);
        await unlink(path).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = parseOwner(await readFile(path, 'utf8').catch(() => ''));
      if (owner && owner.pid !== process.pid && ownerAlive(owner)) {
        throw new OtelgateError('unavailable', `buffer directory ${dir} is in use by process ${owner.pid}`);
      }
      // Unreadable, or left by a process that is gone (or by an earlier life of our own pid).
      await unlink(path).catch(() => {});
    }
  }
  throw new OtelgateError('unavailable', `cannot lock buffer directory ${dir}`);
}
