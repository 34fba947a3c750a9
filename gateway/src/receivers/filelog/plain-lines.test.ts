// Plain lines that need no parsing go from the read buffer into the batch's encoded request as
// bytes (no string, no record). Held here to the decoding path: the same file read both ways gives
// the same request byte for byte, invalid UTF-8, U+FFFD, CRLF, empty and over-long lines included.
import { mkdtempSync, openSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import { decodeLogs } from '@otelgate/pipelines/otlp/decode.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import { expect, it } from 'vitest';
import { filelogConfigSchema } from './config.ts';
import { FileReader, type FileReaderShared } from './file-reader.ts';
import { LogBatch } from './log-batch.ts';
import { declareFilelogMetrics } from './metrics.ts';
import { createRecordBuilder } from './record-builder.ts';

function shared(builds: { count: number }): FileReaderShared {
  const config = filelogConfigSchema.parse({ include: ['/x/*.log'], maxLogSizeBytes: 1024 });
  const build = createRecordBuilder(config);
  return {
    config,
    lineStart: undefined,
    build: (record, attributes, observed) => {
      builds.count++;
      return build(record, attributes, observed);
    },
    metrics: declareFilelogMetrics(metrics.getMeter('test'), () => 1),
    readBuffer: Buffer.allocUnsafe(config.maxLogSizeBytes + 1),
    onTruncated() {},
  };
}

function readAll(path: string, encodeAsAdded: boolean, builds: { count: number }): LogBatch {
  const reader = new FileReader(path, openSync(path, 'r'), statSync(path), 0, shared(builds));
  // The first lines are a replay of an append cut by a restart: they keep their earlier observed time.
  reader.replay = [{ until: 150, observedTimeUnixNano: 1_600_000_000_000_000_000n }];
  const batch = new LogBatch(100_000, 1 << 24, encodeAsAdded);
  (batch as { observedTimeUnixNano: bigint }).observedTimeUnixNano = 1_700_000_000_000_000_000n;
  while (reader.read(batch, Date.now())) {}
  reader.close();
  return batch;
}

it('writes plain lines as bytes exactly as it writes the records it decodes them into', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'filelog-plain-lines-')), 'app.log');
  const lines: Buffer[] = [];
  for (let i = 0; i < 200; i++) lines.push(Buffer.from(`line ${i} héllo wörld ✓ 😀 ${'x'.repeat(i % 90)}\n`));
  lines.splice(20, 0, Buffer.from('\n'), Buffer.from('crlf line\r\n'), Buffer.from('\r\n'));
  lines.splice(60, 0, Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x0a])); // invalid UTF-8
  lines.splice(120, 0, Buffer.from('a real \uFFFD in the text\n'));
  lines.splice(170, 0, Buffer.from(`${'long '.repeat(500)}\n`)); // over maxLogSizeBytes
  writeFileSync(path, Buffer.concat(lines));

  const slowBuilds = { count: 0 };
  const fastBuilds = { count: 0 };
  const slow = readAll(path, false, slowBuilds).encode();
  const fast = readAll(path, true, fastBuilds).encode();

  expect(Buffer.from(fast).equals(Buffer.from(slow))).toBe(true);
  // And both are what the generic encoder writes for the records decoded from them.
  expect(Buffer.from(encodeLogs(decodeLogs(slow))).equals(Buffer.from(slow))).toBe(true);
  const bodies = decodeLogs(fast).resourceLogs[0].scopeLogs[0].logRecords.map(
    (r) => (r.body as { stringValue: string }).stringValue,
  );
  expect(bodies).toHaveLength(204); // the two empty lines are not records
  expect(bodies).toContain('bad\uFFFD\uFFFD');
  expect(bodies).toContain('crlf line');
  // Most lines took the byte path: only the first line (the format is not known yet) and the
  // reads holding an invalid, U+FFFD or over-long line were decoded.
  expect(slowBuilds.count).toBe(204);
  expect(fastBuilds.count).toBeGreaterThan(0);
  expect(fastBuilds.count).toBeLessThan(60);
});
