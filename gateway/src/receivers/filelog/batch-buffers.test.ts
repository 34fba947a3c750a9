// A delivered batch's buffer is written into by the next batch instead of allocating one; a batch
// whose first append failed is never reused (that attempt may still be writing it). The submit
// here keeps every body it was given, as an append still in flight would.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { decodeLogs } from '@otelgate/pipelines/otlp/decode.ts';
import pino from 'pino';
import { expect, it } from 'vitest';
import { filelogConfigSchema } from './config.ts';
import { createFilelogReceiver } from './factory.ts';

function bodiesOf(body: Uint8Array): string[] {
  return decodeLogs(body).resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => (r.body as { stringValue: string }).stringValue)),
  );
}

it('reuses the buffer of a delivered batch, never that of a batch whose first append failed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'filelog-batch-buffers-'));
  const lines = Array.from({ length: 6000 }, (_, i) => `line ${i} ${'x'.repeat(150)}`);
  writeFileSync(join(root, 'app.log'), `${lines.join('\n')}\n`);
  const submitted: { body: Uint8Array; copy: Buffer }[] = [];
  let calls = 0;
  const receiver = createFilelogReceiver(
    filelogConfigSchema.parse({
      include: [`${root}/*.log`],
      startAt: 'beginning',
      pollIntervalMs: 20,
      maxBatchRecords: 1000,
      storageDir: join(root, 'state'),
    }),
    {
      logger: pino({ level: 'silent' }),
      meter: metrics.getMeter('test'),
      dataDir: root,
      submit: async (body) => {
        submitted.push({ body, copy: Buffer.from(body) });
        // The second batch's first append fails (retried with the same body).
        if (++calls === 3) throw new OtelgateError('unavailable', 'buffer briefly unavailable');
      },
    },
  );
  receiver.start();
  const deadline = Date.now() + 10_000;
  while (submitted.reduce((n, s) => n + bodiesOf(s.copy).length, 0) < lines.length + 1000) {
    if (Date.now() > deadline) throw new Error('not every line was submitted within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await receiver.stop();

  // Delivered: the bodies of the successful appends, in order (the failed attempt is the third call).
  const delivered = submitted.filter((_, i) => i !== 2);
  expect(delivered.flatMap((s) => bodiesOf(s.copy))).toEqual(lines);
  // The failed attempt's body, and the retried one (the same bytes), were not overwritten by later batches.
  expect(Buffer.from(submitted[2].body).equals(submitted[2].copy)).toBe(true);
  expect(Buffer.from(submitted[3].body).equals(submitted[3].copy)).toBe(true);
  // Later batches were written into the buffers of delivered ones.
  const buffers = new Set(submitted.map((s) => s.body.buffer));
  expect(buffers.size).toBeLessThan(submitted.length - 2);
});
