import { accessSync, constants, statSync } from 'node:fs';
import type { ConfigProblem } from './config-problem.ts';

/** Options that name a file the gateway reads at start: `certFile`, `keyFile`, `caFile`, ..., and geoip databases. */
function isInputFile(path: readonly (string | number)[]): boolean {
  const key = String(path.at(-1));
  if (/[a-z]File$/.test(key)) return true;
  return path[0] === 'processors' && String(path[1]).startsWith('geoip') && /^database(Ipv6)?$/.test(key);
}

/** Every input file named in the config that cannot be read now, as the start would find. */
export function unreadableFiles(tree: unknown, path: (string | number)[] = []): ConfigProblem[] {
  if (typeof tree === 'string') {
    if (!isInputFile(path)) return [];
    const problem = readProblem(tree);
    return problem ? [{ path, message: `cannot read ${JSON.stringify(tree)}: ${problem}` }] : [];
  }
  if (Array.isArray(tree)) return tree.flatMap((item, index) => unreadableFiles(item, [...path, index]));
  if (tree !== null && typeof tree === 'object') {
    return Object.entries(tree).flatMap(([key, value]) => unreadableFiles(value, [...path, key]));
  }
  return [];
}

function readProblem(file: string): string | undefined {
  try {
    if (statSync(file).isDirectory()) return 'it is a directory';
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    return (error as Error).message;
  }
}
