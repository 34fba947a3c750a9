// A restart in the middle of an append, then copytruncate before the restarted receiver has
// re-read the lines of that append: the copy must send them again as the same records (same
// observed time), not as new ones. The "kill" is a submit that takes the body and never answers
// (the outcome of an append cut by SIGKILL); the restart is a second receiver on the same storage.
import { appendFileSync, copyFileSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import { decodeLogs } from '@otelgate/pipelines/otlp/decode.ts';
import pino from 'pino';
import { expect, it } from 'vitest';
import type { SubmitLogs } from '../logs/submit-logs.ts';
import { filelogConfigSchema } from './config.ts';
import { createFilelogReceiver } from './factory.ts';
import type { FilelogReceiver } from './filelog-receiver.ts';

/** Body text -> observed times it was submitted with. */
type Deliveries = Map<string, Set<bigint>>;

function record(deliveries: Deliveries, body: Uint8Array): void {
  for (const rl of decodeLogs(body).resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const log of sl.logRecords) {
        const text = (log.body as { stringValue: string }).stringValue;
        const times = deliveries.get(text) ?? new Set<bigint>();
        times.add(log.observedTimeUnixNano);
        deliveries.set(text, times);
      }
    }
  }
}

function start(root: string, maxBatchRecords: number, submit: SubmitLogs): FilelogReceiver {
  const config = filelogConfigSchema.parse({
    include: [`${root}/*.log*`],
    startAt: 'beginning',
    pollIntervalMs: 20,
    maxBatchRecords,
    storageDir: join(root, 'state'),
  });
  const receiver = createFilelogReceiver(config, {
    logger: pino({ level: 'silent' }),
    meter: metrics.getMeter('test'),
    dataDir: root,
    submit,
  });
  receiver.start();
  return receiver;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('re-sends the lines of an append cut by a kill identically, from the copy of a file truncated after the restart', async () => {
  const root = mkdtempSync(join(tmpdir(), 'filelog-restart-replay-'));
  const path = join(root, 'app.log');
  const lines = Array.from({ length: 8 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const deliveries: Deliveries = new Map();

  // First run: appends of 4 lines; the first is acknowledged, the second reaches the buffer and is
  // never acknowledged (killed mid-append).
  let calls = 0;
  start(root, 4, async (body) => {
    record(deliveries, body);
    if (++calls === 1) return;
    await new Promise(() => {});
  });
  await until(() => calls === 2);

  // Restart: one line per append. The first append (line 4, a replay) is held until the file has
  // been copied and truncated, so lines 5-7 are read from the copy, after the truncation.
  let release: () => void = () => {};
  let restarted = 0;
  const restart = start(root, 1, async (body) => {
    record(deliveries, body);
    if (++restarted === 1) await new Promise<void>((resolve) => (release = resolve));
  });
  await until(() => restarted === 1);
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
  appendFileSync(path, 'after the truncation\n');
  await new Promise((resolve) => setTimeout(resolve, 100)); // the size change is noticed by a poll, not a read
  release();
  await until(() => deliveries.has('after the truncation') && lines.every((line) => deliveries.has(line)));
  await new Promise((resolve) => setTimeout(resolve, 200)); // nothing else arrives

  await restart.stop(); // the first one is left hanging in its append, as a killed process would
  for (const line of lines) expect([...(deliveries.get(line) ?? [])], line).toHaveLength(1);
});

it('finds the checkpoint of a file whose rotated copy appears only after the first poll of a restart', async () => {
  const root = mkdtempSync(join(tmpdir(), 'filelog-late-copy-'));
  const path = join(root, 'app.log');
  const lines = Array.from({ length: 6 }, (_, i) => `line ${i} ${'x'.repeat(300)}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const deliveries: Deliveries = new Map();
  const first = start(root, 100, async (body) => record(deliveries, body));
  await until(() => lines.every((line) => deliveries.has(line)));
  await first.stop();

  // Copytruncate caught by the restart: the original is truncated before it starts, the copy
  // (a new file with the old content) is listed only by a later poll.
  truncateSync(path, 0);
  appendFileSync(path, 'after the truncation\n');
  const restart = start(root, 100, async (body) => record(deliveries, body));
  await until(() => deliveries.has('after the truncation'));
  writeFileSync(`${path}.1`, `${lines.join('\n')}\n`);
  appendFileSync(`${path}.1`, 'written to the copy\n');
  await until(() => deliveries.has('written to the copy'));
  await new Promise((resolve) => setTimeout(resolve, 200)); // nothing else arrives

  await restart.stop();
  for (const line of lines) expect([...(deliveries.get(line) ?? [])], line).toHaveLength(1);
});
