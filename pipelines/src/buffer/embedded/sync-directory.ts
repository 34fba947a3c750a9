import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes a directory's entries (a created, renamed or deleted file) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `mkdir -p`, then syncs the parent of every directory it created, so they survive a crash too. */
export async function makeDurableDirectory(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let created = dir; ; created = dirname(created)) {
    await syncDirectory(dirname(created));
    if (created === first || dirname(created) === created) break;
  }
}
