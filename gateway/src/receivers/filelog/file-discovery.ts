// Matches the include/exclude globs and pairs each matching path with its file identity
// (device and inode, following symlinks such as /var/log/containers/*.log).
import { type Stats, statSync } from 'node:fs';
import { glob } from 'tinyglobby';

export interface FoundFile {
  path: string;
  key: string;
  stats: Stats;
}

export async function findFiles(include: string[], exclude: string[]): Promise<FoundFile[]> {
  const paths = await glob(include, {
    ignore: exclude,
    absolute: true,
    onlyFiles: true,
    expandDirectories: false,
    followSymbolicLinks: true,
  });
  const found: FoundFile[] = [];
  for (const path of paths.sort()) {
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch {
      continue; // gone between the listing and the stat
    }
    if (!stats.isFile()) continue;
    found.push({ path, key: `${stats.dev}:${stats.ino}`, stats });
  }
  return found;
}
