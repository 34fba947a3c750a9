import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContentEncoding } from './read-body.ts';

describe('content decoding', () => {
  it('inflates gzip within the limit', async () => {
    const body = Buffer.from('x'.repeat(1000));
    expect(await decodeContentEncoding(gzipSync(body), 'gzip', 2000)).toEqual(body);
  });

  it('stops inflating at the limit: a bomb is payload-too-large', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    await expect(decodeContentEncoding(bomb, 'gzip', 1024 * 1024)).rejects.toMatchObject({ kind: 'payload-too-large' });
  });

  it('calls corrupt gzip invalid and an unknown encoding unsupported', async () => {
    await expect(decodeContentEncoding(Buffer.from('nope'), 'gzip', 100)).rejects.toMatchObject({
      kind: 'invalid-argument',
    });
    await expect(decodeContentEncoding(Buffer.from('nope'), 'br', 100)).rejects.toMatchObject({
      kind: 'unsupported-media-type',
    });
  });
});
