import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createStream, type Options, type RotatingFileStream } from 'rotating-file-stream';

export interface LogFileOptions {
  path: string;
  maxSizeMiB: number;
  rotateEveryHours: number;
  retentionDays: number;
  compress: boolean;
}

/**
 * The optional log file: rotated by size and by age, old files gzip-compressed, files older than
 * `retentionDays` deleted. Rotated names are `<name>-<UTC timestamp>-<n>.log[.gz]` beside `path`.
 */
export function openLogFile(options: LogFileOptions): RotatingFileStream {
  const dir = dirname(options.path);
  const name = basename(options.path).replace(/\.log$/, '');
  const rotatedName = (time: number | Date | null, index?: number) => {
    if (!time) return basename(options.path);
    const stamp = new Date(time).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    return `${name}-${stamp}-${index ?? 1}.log`;
  };
  const streamOptions: Options = {
    path: dir,
    size: `${Math.max(1, Math.round(options.maxSizeMiB * 1024))}K`,
    interval: `${options.rotateEveryHours}h`,
    compress: options.compress ? 'gzip' : false,
  };
  const stream = createStream(rotatedName, streamOptions);
  const prune = () => pruneOldFiles(dir, `${name}-`, options.retentionDays);
  stream.on('rotated', prune);
  prune();
  return stream;
}

function pruneOldFiles(dir: string, prefix: string, retentionDays: number): void {
  const cutoff = Date.now() - retentionDays * 86_400_000;
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(prefix)) continue;
    const path = join(dir, file);
    if (statSync(path).mtimeMs < cutoff) unlinkSync(path);
  }
}
