import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OtelgateError } from '../../errors/error-kinds.ts';
import { RotatingFile } from './rotating-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real file whose next write, while `disk.full`, writes half its bytes and then fails with ENOSPC. */
function faultyOpener(disk: { full: boolean; syncs: number }) {
  return async (path: string): Promise<FileHandle> => {
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o644);
    return new Proxy(handle, {
      get(target, property) {
        if (property === 'write') {
          return async (buffer: Uint8Array, offset: number, length: number) => {
            if (!disk.full) return target.write(buffer, offset, length);
            await target.write(buffer, offset, Math.max(1, Math.floor(length / 2)));
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          };
        }
        if (property === 'datasync') {
          return async () => {
            disk.syncs++;
            return target.datasync();
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
}

describe('rotating file', () => {
  it('refuses a write that did not reach the disk, cuts the torn line back off, and writes again once there is room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-rotating-file-'));
    dirs.push(dir);
    const path = join(dir, 'out.ndjson');
    const disk = { full: false, syncs: 0 };
    const file = new RotatingFile({ path, maxBytes: 0, maxBackups: 1, openFile: faultyOpener(disk) });

    await file.write(Buffer.from('{"n":1}\n'));
    disk.full = true;
    const refused = await file.write(Buffer.from('{"n":2,"padding":"xxxxxxxxxxxxxxxx"}\n')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OtelgateError);
    expect((refused as OtelgateError).retryable).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');

    disk.full = false;
    await file.write(Buffer.from('{"n":2}\n'));
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('shares one fdatasync among writes that arrive together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-rotating-file-'));
    dirs.push(dir);
    const path = join(dir, 'out.ndjson');
    const disk = { full: false, syncs: 0 };
    const file = new RotatingFile({ path, maxBytes: 0, maxBackups: 1, openFile: faultyOpener(disk) });
    await Promise.all(Array.from({ length: 50 }, (_, i) => file.write(Buffer.from(`{"n":${i}}\n`))));
    await file.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(50);
    // The first write syncs alone; the 49 queued behind it share far fewer syncs than writes.
    expect(disk.syncs).toBeLessThan(10);
  });

  it('writes a line issued the moment the previous one was confirmed (regression: it waited on a drain that had ended)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-rotating-file-'));
    dirs.push(dir);
    const path = join(dir, 'out.ndjson');
    const file = new RotatingFile({ path, maxBytes: 0, maxBackups: 1 });
    for (let i = 0; i < 20; i++) await file.write(Buffer.from(`{"n":${i}}\n`));
    await file.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(20);
  });

  it('refuses writes after close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-rotating-file-'));
    dirs.push(dir);
    const file = new RotatingFile({ path: join(dir, 'out.ndjson'), maxBytes: 0, maxBackups: 1 });
    await file.close();
    await expect(file.write(Buffer.from('x\n'))).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('cuts off a line a killed process left without its newline before writing the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-rotating-torn-'));
    dirs.push(dir);
    const path = join(dir, 'out.ndjson');
    writeFileSync(path, '{"a":1}\n{"b":');
    const file = new RotatingFile({ path, maxBytes: 0, maxBackups: 1 });
    await file.write(new TextEncoder().encode('{"c":3}\n'));
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"c":3}\n');
  });
});
