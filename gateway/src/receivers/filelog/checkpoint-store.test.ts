import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from './checkpoint-store.ts';
import { hashOf } from './fingerprint.ts';

const first = Buffer.from('2026-12-04 first line of the file\n');
const checkpoint = (offset: number) => ({ hash: hashOf(first), length: first.length, offset, path: '/logs/app.log' });

describe('CheckpointStore', () => {
  it('gives a file its checkpoint back after a restart, by its first bytes, under any name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    const store = new CheckpointStore(dir);
    expect(store.existed).toBe(false);
    store.write([checkpoint(10)]);
    store.write([checkpoint(20)]);
    store.close();
    const reopened = new CheckpointStore(dir);
    expect(reopened.existed).toBe(true);
    expect(reopened.claim('/logs/app.log.1', Buffer.concat([first, Buffer.from('more')]))?.offset).toBe(20);
    expect(reopened.claim('/logs/app.log', first)).toBeUndefined(); // claimed once only
    reopened.close();
  });

  it('reads the older slot when the newer one was torn', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    const store = new CheckpointStore(dir);
    store.write([checkpoint(10)]); // slot b (sequence 1)
    store.write([checkpoint(20)]); // slot a (sequence 2)
    store.close();
    const newer = join(dir, 'checkpoints-a.json');
    writeFileSync(newer, readFileSync(newer, 'utf8').slice(0, 30));
    const reopened = new CheckpointStore(dir);
    expect(reopened.claim('/logs/app.log', first)?.offset).toBe(10);
    reopened.close();
  });

  it('never matches a checkpoint of an empty fingerprint to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    const store = new CheckpointStore(dir);
    store.write([{ hash: hashOf(Buffer.alloc(0)), length: 0, offset: 99, path: '' }]);
    store.close();
    const reopened = new CheckpointStore(dir);
    expect(reopened.claim('/logs/other.log', first)).toBeUndefined();
    reopened.close();
  });
});
