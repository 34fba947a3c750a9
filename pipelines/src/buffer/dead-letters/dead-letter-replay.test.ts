// The one replay routine on the real embedded log (test/kafka/dead-letters.test.ts runs it on Kafka).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Signal } from '../../model/common.ts';
import type { BufferRecord } from '../buffer.ts';
import { type EmbeddedLog, openEmbeddedLog } from '../embedded/open-embedded-log.ts';
import { captureLogger } from '../embedded/test-logger.ts';
import { listDeadLetters, replayDeadLetters } from './dead-letter-replay.ts';
import type { DeadLetterStore } from './dead-letter-store.ts';

const dirs: string[] = [];
const logs: EmbeddedLog[] = [];

async function open(dir?: string): Promise<{ log: EmbeddedLog; dir: string }> {
  const at = dir ?? (await mkdtemp(join(tmpdir(), 'otelgate-replay-')));
  if (!dir) dirs.push(at);
  const log = await openEmbeddedLog({ dir: at, disk: { minFreeBytes: 0 } }, { logger: captureLogger().logger });
  logs.push(log);
  return { log, dir: at };
}

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

let nextOffset = 0n;
function record(name: string, signal: Signal = 'logs'): BufferRecord {
  return { signal, partition: 0, offset: nextOffset++, timestamp: 1, value: Buffer.from(name), headers: { name } };
}

/** Dead-letters one record per name; `stageOf` picks the stage. */
async function deadLetter(log: EmbeddedLog, names: string[], stageOf = (_name: string) => 'elasticsearch') {
  for (const name of names) await log.deadLetters.write(record(name), { stage: stageOf(name), reason: `bad ${name}` });
}

/** What the signal's log holds, as the names in the values: waits for `count`, then a little more for extras. */
async function appended(log: EmbeddedLog, count: number): Promise<string[]> {
  const names: string[] = [];
  const abort = new AbortController();
  const done = log.consumer(`reader-${Math.random()}`).run(async (batch) => {
    if (batch.signal === 'logs') names.push(...batch.records.map((r) => Buffer.from(r.value).toString()));
  }, abort.signal);
  const deadline = Date.now() + 15_000;
  while (names.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 300));
  abort.abort();
  await done;
  return names;
}

describe('dead-letter replay', () => {
  it('replays each dead letter once: a second replay, also after a restart, appends nothing and list hides replayed ones', async () => {
    const { log, dir } = await open();
    await deadLetter(log, ['a', 'b', 'c']);
    expect(await replayDeadLetters(log.deadLetters, log.producer)).toEqual({ replayed: 3 });
    expect(await replayDeadLetters(log.deadLetters, log.producer)).toEqual({ replayed: 0 });
    expect(await listDeadLetters(log.deadLetters)).toEqual([]);
    await log.close();

    const reopened = (await open(dir)).log;
    expect(await replayDeadLetters(reopened.deadLetters, reopened.producer)).toEqual({ replayed: 0 });
    expect(await appended(reopened, 3)).toEqual(['a', 'b', 'c']);
    // A replayed record that fails again is a new dead letter, replayable again.
    await deadLetter(reopened, ['a']);
    expect((await listDeadLetters(reopened.deadLetters)).map((l) => l.offset)).toEqual([4n]);
  });

  it('applies the filter before the limit (the admin copy used to take the first N, then filter)', async () => {
    const { log } = await open();
    await deadLetter(log, ['x1', 'y1', 'x2', 'y2', 'x3'], (name) => (name.startsWith('x') ? 'decode' : 'redact'));
    expect(await replayDeadLetters(log.deadLetters, log.producer, { stage: 'redact', limit: 2 })).toEqual({
      replayed: 2,
    });
    expect(await replayDeadLetters(log.deadLetters, log.producer, { stage: 'decode', limit: 2 })).toEqual({
      replayed: 2,
    });
    expect(await appended(log, 4)).toEqual(['y1', 'y2', 'x1', 'x2']);
    expect((await listDeadLetters(log.deadLetters)).map((l) => l.reason)).toEqual(['bad x3']);
    expect(await listDeadLetters(log.deadLetters, { fromOffset: 5n })).toEqual([]);
  });

  it('after an interruption between the append and the mark, replays that step again once, then never', async () => {
    const { log } = await open();
    await deadLetter(log, ['a', 'b']);
    let failMark = true;
    const interrupted: DeadLetterStore = {
      scan: () => log.deadLetters.scan(),
      async markReplayed(letters) {
        if (failMark) throw new Error('process killed here');
        await log.deadLetters.markReplayed(letters);
      },
    };
    await expect(replayDeadLetters(interrupted, log.producer)).rejects.toThrow('process killed here');
    failMark = false;
    expect(await replayDeadLetters(interrupted, log.producer)).toEqual({ replayed: 2 });
    expect(await replayDeadLetters(interrupted, log.producer)).toEqual({ replayed: 0 });
    // At-least-once: the interrupted step is delivered twice, nothing more.
    expect(await appended(log, 4)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('leaves a dead letter naming no known signal in place and replays the others (the copies used to stop there, after appending some)', async () => {
    const { log } = await open();
    await deadLetter(log, ['a']);
    await log.deadLetters.write({ ...record('odd'), signal: 'profiles' as Signal }, { stage: 'decode', reason: '?' });
    await deadLetter(log, ['b']);
    expect(await replayDeadLetters(log.deadLetters, log.producer)).toEqual({ replayed: 2, unreplayable: ['0:1'] });
    expect(await appended(log, 2)).toEqual(['a', 'b']);
    expect((await listDeadLetters(log.deadLetters)).map((l) => l.offset)).toEqual([1n]);
  });

  it('runs two replays of one store one after the other, so both together append each letter once', async () => {
    const { log } = await open();
    await deadLetter(log, ['a', 'b', 'c']);
    const results = await Promise.all([
      replayDeadLetters(log.deadLetters, log.producer),
      replayDeadLetters(log.deadLetters, log.producer),
    ]);
    expect(results.map((r) => r.replayed).sort()).toEqual([0, 3]);
    expect(await appended(log, 3)).toEqual(['a', 'b', 'c']);
  });
});
