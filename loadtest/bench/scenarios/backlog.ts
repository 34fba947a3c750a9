// Bytes of RSS per queued item at a forced backlog. Fill: a gateway in role `ingest` (nothing
// consumes) takes OTLP/HTTP at full speed from load-generator.ts; its RSS is read after a warm-up
// and again after the backlog is queued and the process has idled. The queue lives on disk in the
// embedded log, so the RSS per queued span should be about zero. Drain: a gateway in role
// `process` on the same data dir empties the backlog into the file exporter; its RSS is read at
// start (whole backlog queued) and at peak, with the drain rate.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { peakRssBytes, rssBytes } from '../proc-sampler.ts';
import { runLoad } from '../run-load.ts';

const quick = process.argv.includes('--quick');
const FILL_SECONDS = quick ? 5 : 25;
const SPANS_PER_REQUEST = 100;
const SETTLE_MS = 3_000;
const DRAIN_TIMEOUT_MS = quick ? 60_000 : 300_000;
const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const big = { maxBytes: 32 * 1024 ** 3, retention: { maxBytes: 32 * 1024 ** 3 } };
const common = {
  log: { level: 'warn' },
  buffer: { embedded: big },
  exporters: { file: { rotation: { maxMegabytes: 0 } } },
  pipelines: { traces: { processors: [], exporters: ['file'] } },
};

const ingest = await startGatewayProcess({
  config: { ...common, service: { role: 'ingest' } },
  env: { LOG_LEVEL: 'warn' },
  bundled: true,
});
const dir = ingest.dir;
try {
  const load = { transport: 'http', target: ingest.httpUrl, spansPerRequest: SPANS_PER_REQUEST, concurrency: 8 };
  const warm = await runLoad({ ...load, durationSeconds: 1, ratePerSecond: 0 });
  await sleep(SETTLE_MS);
  const rssBefore = rssBytes(ingest.child.pid!);
  const fill = await runLoad({ ...load, durationSeconds: FILL_SECONDS, ratePerSecond: 0 });
  await sleep(SETTLE_MS);
  const rssAfter = rssBytes(ingest.child.pid!);
  const ingestPeak = peakRssBytes(ingest.child.pid!);
  await ingest.kill('SIGTERM');
  const queued = warm.spans + fill.spans;
  const diskBytes = Number(spawnSync('du', ['-sb', join(dir, 'buffer')], { encoding: 'utf8' }).stdout.split('\t')[0]);

  const processor = await startGatewayProcess({
    dir,
    config: { ...common, service: { role: 'process' } },
    env: { LOG_LEVEL: 'warn' },
    bundled: true,
  });
  const pid = processor.child.pid!;
  const rssAtStart = rssBytes(pid);
  const started = performance.now();
  let lag = Number.NaN;
  while (performance.now() - started < DRAIN_TIMEOUT_MS) {
    lag = await tracesLag(processor.adminUrl);
    if (lag === 0) break;
    await sleep(200);
  }
  const drainSeconds = (performance.now() - started) / 1000;
  const drainPeak = peakRssBytes(pid);
  await processor.kill('SIGTERM');
  if (lag !== 0) throw new Error(`backlog not drained within ${DRAIN_TIMEOUT_MS} ms (lag ${lag})`);

  const row = {
    case: `embedded log, ${SPANS_PER_REQUEST} spans/request, ${FILL_SECONDS} s fill`,
    figures: {
      spans_queued: queued,
      records_queued: warm.requests + fill.requests,
      disk_mib: mib(diskBytes),
      ingest_rss_before_mib: mib(rssBefore),
      ingest_rss_after_mib: mib(rssAfter),
      ingest_peak_rss_mib: mib(ingestPeak),
      rss_bytes_per_queued_span: Number(((rssAfter - rssBefore) / fill.spans).toFixed(2)),
      process_rss_at_start_mib: mib(rssAtStart),
      process_peak_rss_mib: mib(drainPeak),
      drain_spans_per_s: Math.round(queued / drainSeconds),
      refused: warm.refused + fill.refused,
      failed: warm.failed + fill.failed,
    },
  };
  process.stdout.write(`${JSON.stringify({ scenario: 'backlog (forced, embedded log)', rows: [row] })}\n`);
} finally {
  await ingest.kill('SIGTERM');
  spawnSync('rm', ['-rf', dir]);
}

/** Sum of otelgate_consumer_lag for traces from the admin /metrics endpoint; NaN until it is exported. */
async function tracesLag(adminUrl: string): Promise<number> {
  const text = await fetch(`${adminUrl}/metrics`).then(
    (response) => response.text(),
    () => '',
  );
  let total = Number.NaN;
  for (const line of text.split('\n')) {
    if (!line.startsWith('otelgate_consumer_lag') || !line.includes('traces')) continue;
    total = (Number.isNaN(total) ? 0 : total) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
