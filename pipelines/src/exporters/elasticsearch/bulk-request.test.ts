import { describe, expect, it } from 'vitest';
import { BulkBody } from './bulk-request.ts';

const docs = ['{"m":"plain"}', '{"m":"é, 東京, 🚀"}', `{"m":"${'x'.repeat(5000)}"}`, '{"m":"last ☃"}'];

describe('BulkBody', () => {
  it('writes one create action and document per operation as UTF-8, growing from a small start', () => {
    const body = new BulkBody(8);
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
});
