// The embedded log on its own (the ack path of ingest): 1, 8 and 64 concurrent appenders of
// 50 KB values, group-committed with fdatasync. Figures: appends/s, MB/s, append latency p50/p99,
// fsyncs/s and appends per fsync; then how fast a consumer reads the last case back.
// In-process: the figure is about the log, not a server. Each case gets a fresh directory and
// starts after `sync`, so one case's dirty-page writeback does not slow the next.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type EmbeddedLog, openEmbeddedLog } from '../../../pipelines/src/buffer/embedded/open-embedded-log.ts';

const quick = process.argv.includes('--quick');
const seconds = quick ? 2 : 5;
const VALUE_BYTES = 50_000;
const value = Buffer.alloc(VALUE_BYTES, 7);
const key = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const headers = { 'otelgate-tenant': 'bench', 'content-type': 'application/x-protobuf' };

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function appendCase(log: EmbeddedLog, concurrency: number) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await log.producer.append('traces', [{ key, value, headers }]);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const stats = log.stats();
  latencies.sort((a, b) => a - b);
  return {
    case: `append 50 KB, ${concurrency} concurrent`,
    figures: {
      appends_per_s: Math.round(latencies.length / elapsed),
      mb_per_s: Number((stats.appendedBytes / 1e6 / elapsed).toFixed(1)),
      p50_ms: Number(percentile(latencies, 50).toFixed(2)),
      p99_ms: Number(percentile(latencies, 99).toFixed(2)),
      fsyncs_per_s: Math.round(stats.fsyncs / elapsed),
      appends_per_fsync: Number((latencies.length / Math.max(1, stats.fsyncs)).toFixed(1)),
      cpu_cores: Number(((cpu.user + cpu.system) / 1e6 / elapsed).toFixed(2)),
    },
  };
}

async function consumeCase(log: EmbeddedLog) {
  const total = Number(log.stats().signals.traces.endOffset);
  const abort = new AbortController();
  let read = 0;
  let bytes = 0;
  const started = performance.now();
  await log.consumer('bench').run(async (batch) => {
    read += batch.records.length;
    for (const record of batch.records) bytes += record.value.length;
    if (read >= total) abort.abort();
  }, abort.signal);
  const elapsed = (performance.now() - started) / 1000;
  return {
    case: 'consume 50 KB records (page cache)',
    figures: { records_per_s: Math.round(read / elapsed), mb_per_s: Number((bytes / 1e6 / elapsed).toFixed(1)) },
  };
}

const rows = [];
for (const concurrency of [1, 8, 64]) {
  spawnSync('sync');
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-bench-embedded-'));
  const log = await openEmbeddedLog(
    { dir, maxBytes: 64 * 1024 ** 3, retention: { maxBytes: 64 * 1024 ** 3 } },
    { logger: pino({ level: 'warn' }) },
  );
  try {
    rows.push(await appendCase(log, concurrency));
    if (concurrency === 64) rows.push(await consumeCase(log));
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify({ scenario: 'embedded-log', rows })}\n`);
