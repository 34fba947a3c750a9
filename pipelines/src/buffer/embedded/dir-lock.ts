// One process per log directory: a lock file holding the owner's pid. A lock left by a dead
// process (kill -9, crash) is taken over.
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OtelgateError } from '../../errors/error-kinds.ts';

const LOCK_FILE = 'otelgate.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(path).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new OtelgateError('unavailable', `buffer directory ${dir} is in use by process ${owner}`);
      }
      if (owner === process.pid) {
        throw new OtelgateError('internal', `buffer directory ${dir} is already open in this process`);
      }
      await unlink(path).catch(() => {});
    }
  }
  throw new OtelgateError('unavailable', `cannot lock buffer directory ${dir}`);
}
