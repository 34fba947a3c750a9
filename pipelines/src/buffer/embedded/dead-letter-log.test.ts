import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BufferRecord } from '../buffer.ts';
import { replayDeadLetters } from '../dead-letters/dead-letter-replay.ts';
import { type EmbeddedLog, openEmbeddedLog } from './open-embedded-log.ts';
import { captureLogger } from './test-logger.ts';

const dirs: string[] = [];
const logs: EmbeddedLog[] = [];

async function open(dir: string): Promise<EmbeddedLog> {
  const log = await openEmbeddedLog({ dir, disk: { minFreeBytes: 0 } }, { logger: captureLogger().logger });
  logs.push(log);
  return log;
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('embedded dead-letter log', () => {
  it('keeps dead letters with reason, stage and origin across a restart, lists them, and replays them into their signal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otelgate-dlq-'));
    dirs.push(dir);
    let log = await open(dir);
    await log.producer.append('logs', [
      { value: Buffer.from('ok'), headers: { 'otelgate-tenant': 'a' } },
      { key: Buffer.from('k'), value: Buffer.from('poison'), headers: { 'otelgate-tenant': 'b' } },
    ]);
    const abort = new AbortController();
    await log.consumer('workers').run(async (batch) => {
      for (const record of batch.records) {
        if (Buffer.from(record.value).toString() === 'poison') {
          await log.deadLetters.write(record, { stage: 'elasticsearch', reason: 'mapper_parsing_exception' });
        }
      }
      abort.abort();
    }, abort.signal);
    await log.deadLetters.write(
      { signal: 'traces', partition: 0, offset: 7n, timestamp: 1234, value: Buffer.from('bad'), headers: {} },
      { stage: 'decode', reason: 'truncated protobuf' },
    );
    expect(log.stats().deadLetters).toBe(2);
    await log.close();

    log = await open(dir);
    const letters = await log.deadLetters.list();
    expect(letters).toHaveLength(2);
    expect(letters[0]).toMatchObject({
      offset: 0n,
      stage: 'elasticsearch',
      reason: 'mapper_parsing_exception',
      source: { signal: 'logs', partition: 0, offset: 1n },
      entry: { headers: { 'otelgate-tenant': 'b' } },
    });
    expect(Buffer.from(letters[0].entry.value).toString()).toBe('poison');
    expect(Buffer.from(letters[0].entry.key!).toString()).toBe('k');
    expect(letters[1]).toMatchObject({
      offset: 1n,
      stage: 'decode',
      source: { signal: 'traces', offset: 7n, timestamp: 1234 },
    });
    expect(await log.deadLetters.list({ fromOffset: 1n, limit: 5 })).toHaveLength(1);

    const result = await replayDeadLetters(log.deadLetters, log.producer, { limit: 1 });
    expect(result).toEqual({ replayed: 1 });
    const replayed: BufferRecord[] = [];
    const again = new AbortController();
    await log.consumer('workers').run(async (batch) => {
      replayed.push(...batch.records);
      again.abort();
    }, again.signal);
    expect(replayed).toHaveLength(1);
    expect(replayed[0].offset).toBe(2n);
    expect(Buffer.from(replayed[0].value).toString()).toBe('poison');
    expect(replayed[0].headers).toEqual({ 'otelgate-tenant': 'b' });
  });
});
