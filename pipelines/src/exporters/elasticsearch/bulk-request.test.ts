import { describe, expect, it } from 'vitest';
import { BodyBuffers, BulkBody } from './bulk-request.ts';

const docs = ['{"m":"plain"}', '{"m":"é, 東京, 🚀"}', `{"m":"${'x'.repeat(5000)}"}`, '{"m":"last ☃"}'];

describe('BulkBody', () => {
  it('writes one create action and document per operation as UTF-8, growing from a small start', () => {
    const body = new BulkBody(Buffer.alloc(8));
    for (const [owner, json] of docs.entries()) body.add({ index: 'idx', id: `id-${owner}`, json, owner });
    const expected = docs.map((json, i) => `{"create":{"_index":"idx","_id":"id-${i}"}}\n${json}\n`).join('');
    expect(body.all().toString('utf8')).toBe(expected);
    expect(body.bytes).toBe(Buffer.byteLength(expected));
    expect(body.count).toBe(4);
    expect(body.owners).toEqual([0, 1, 2, 3]);
  });

  it('cuts out the body of chosen operations for a retry, multi-byte characters intact', () => {
    const body = new BulkBody();
    for (const [owner, json] of docs.entries()) body.add({ index: 'idx', id: `id-${owner}`, json, owner: owner * 10 });
    const lines = body.only([1, 3]).toString('utf8').split('\n');
    expect(lines).toEqual([
      '{"create":{"_index":"idx","_id":"id-1"}}',
      docs[1],
      '{"create":{"_index":"idx","_id":"id-3"}}',
      docs[3],
      '',
    ]);
  });

  it('reuses a finished bulk buffer for a shorter next bulk without its old bytes, and keeps only as many as asked', () => {
    const buffers = new BodyBuffers(1);
    const first = new BulkBody(buffers.take(16));
    first.add({ index: 'idx', id: 'long', json: docs[2], owner: 0 });
    buffers.give(first.storage);
    buffers.give(Buffer.alloc(4));
    const reused = buffers.take(16);
    expect(reused).toBe(first.storage);
    const second = new BulkBody(reused);
    second.add({ index: 'idx', id: 'short', json: docs[0], owner: 0 });
    expect(second.all().toString('utf8')).toBe(`{"create":{"_index":"idx","_id":"short"}}\n${docs[0]}\n`);
    expect(buffers.take(16).length).toBe(16);
  });
});
