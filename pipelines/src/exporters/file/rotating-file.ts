// An append-only file whose writes resolve only once they are on disk, rotated by size.
// Concurrent writes share one fdatasync (group commit). A failed write is cut back off the file,
// so a torn line never precedes the lines written after it.
import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { OtelgateError } from '../../errors/error-kinds.ts';

export interface RotatingFileOptions {
  path: string;
  /** 0: never rotate. */
  maxBytes: number;
  maxBackups: number;
  now?: () => number;
  /** Only for tests that inject write faults. */
  openFile?: (path: string) => Promise<FileHandle>;
}

interface PendingWrite {
  chunk: Uint8Array;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class RotatingFile {
  private readonly options: RotatingFileOptions;
  private readonly now: () => number;
  private handle: FileHandle | undefined;
  private size = 0;
  private pending: PendingWrite[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(options: RotatingFileOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Appends `chunk` (whole lines); resolves after the fdatasync that covers it. */
  write(chunk: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new OtelgateError('unavailable', `${this.options.path} is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push({ chunk, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  async open(): Promise<void> {
    if (this.handle) return;
    await mkdir(dirname(this.options.path), { recursive: true });
    this.handle = await (this.options.openFile ?? openForAppend)(this.options.path);
    this.size = await cutTornTail(this.handle, (await this.handle.stat()).size);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Paths of the rotated files, oldest first. */
  async backups(): Promise<string[]> {
    const dir = dirname(this.options.path);
    const pattern = backupPattern(this.options.path);
    const names = (await readdir(dir)).filter((name) => pattern.test(name)).sort();
    return names.map((name) => join(dir, name));
  }

  private async drain(): Promise<void> {
    // `draining` is cleared in the same tick as the last `pending` check, before any caller
    // resumes: a write that arrives after it starts a new drain instead of waiting for none.
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        try {
          await this.writeGroup(group.map((write) => write.chunk));
          for (const write of group) write.resolve();
        } catch (error) {
          const failure = new OtelgateError(
            'unavailable',
            `cannot write ${this.options.path}: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
          for (const write of group) write.reject(failure);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async writeGroup(chunks: Uint8Array[]): Promise<void> {
    await this.open();
    let start = this.size;
    try {
      for (const chunk of chunks) {
        if (this.options.maxBytes > 0 && this.size > 0 && this.size + chunk.byteLength > this.options.maxBytes) {
          await this.handle!.datasync();
          await this.rotate();
          start = 0;
        }
        await writeFully(this.handle!, chunk);
        this.size += chunk.byteLength;
      }
      await this.handle!.datasync();
    } catch (error) {
      // Cut off what this group wrote (maybe half a line): the callers retry it all.
      if (this.handle) {
        await this.handle.truncate(start).catch(() => {});
        this.size = start;
      }
      throw error;
    }
  }

  private async rotate(): Promise<void> {
    const { path } = this.options;
    await this.handle!.close();
    this.handle = undefined;
    // A new backup always sorts after the existing ones, even if the clock stepped back.
    const previous = await this.backups();
    const latest = previous.length > 0 ? backupTime(previous[previous.length - 1]) : Number.NEGATIVE_INFINITY;
    await rename(path, backupPath(path, Math.max(this.now(), latest + 1)));
    await this.open();
    await syncDirectory(dirname(path));
    const backups = await this.backups();
    for (const old of backups.slice(0, Math.max(0, backups.length - this.options.maxBackups))) await unlink(old);
  }
}

/**
 * A process killed in the middle of a write leaves a line without its newline; its batch was never
 * confirmed and will be written again. Cut it off, so the next line does not run into it.
 * Returns the file's size after the cut.
 */
async function cutTornTail(handle: FileHandle, size: number): Promise<number> {
  const block = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.byteLength);
    const { bytesRead } = await handle.read(block, 0, end - start, start);
    const newline = block.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) {
      const kept = start + newline + 1;
      if (kept < size) await handle.truncate(kept);
      return kept;
    }
    end = start;
  }
  if (size > 0) await handle.truncate(0);
  return 0;
}

/** `out.ndjson` -> `out-2026-11-22T07-30-00-123Z.ndjson`: sorts by time. */
export function backupPath(path: string, at: number): string {
  const stamp = new Date(at).toISOString().replaceAll(':', '-').replace('.', '-');
  return join(dirname(path), `${stem(path)}-${stamp}.ndjson`);
}

function backupTime(path: string): number {
  const match = /-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.ndjson$/.exec(path);
  return match ? Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`) : 0;
}

function backupPattern(path: string): RegExp {
  const escaped = stem(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z\\.ndjson$`);
}

function stem(path: string): string {
  const name = basename(path);
  return name.slice(0, name.length - extname(name).length) || name;
}

function openForAppend(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o644);
}

async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
