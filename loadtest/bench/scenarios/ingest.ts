// Ingest on the embedded log: OTLP/HTTP protobuf and gRPC at 100 and 512 spans per request.
// Figures: max spans/s, gateway CPU-seconds per million spans, ack p50/p99 at half the max rate,
// peak RSS, and RSS at 10k spans/s. Load comes from a separate process (load-generator.ts).
import { spawnSync } from 'node:child_process';
import { startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { cpuSeconds, peakRssBytes, rssBytes } from '../proc-sampler.ts';
import { runLoad } from '../run-load.ts';

const quick = process.argv.includes('--quick');
const seconds = quick ? 3 : 15;

// Each phase gets a fresh gateway and data dir: a long max-rate run leaves gigabytes on disk
// (nothing consumes in the ingest role) and a warm heap that would skew the next phase.
async function phase<T>(measure: (target: string, pid: number) => Promise<T>, transport: 'http' | 'grpc'): Promise<T> {
  const gateway = await startGatewayProcess({
    config: {
      service: { role: 'ingest' },
      log: { level: 'warn' },
      buffer: { embedded: { maxBytes: 32 * 1024 ** 3, retention: { maxBytes: 32 * 1024 ** 3 } } },
    },
    env: { LOG_LEVEL: 'warn' },
    bundled: true,
  });
  try {
    return await measure(transport === 'http' ? gateway.httpUrl : gateway.grpcAddress, gateway.child.pid!);
  } finally {
    await gateway.kill('SIGTERM');
    spawnSync('rm', ['-rf', gateway.dir]);
  }
}

const rows = [];
for (const transport of ['http', 'grpc'] as const) {
  for (const spansPerRequest of [100, 512]) {
    const base = { transport, spansPerRequest, concurrency: 16, ratePerSecond: 0 };
    const max = await phase(async (target, pid) => {
      await runLoad({ ...base, target, durationSeconds: 1 }); // warm-up: JIT, connections, first segment
      const cpuBefore = cpuSeconds(pid);
      const load = await runLoad({ ...base, target, durationSeconds: seconds });
      return { load, cpu: cpuSeconds(pid) - cpuBefore, peakRss: peakRssBytes(pid) };
    }, transport);
    const half = await phase(async (target) => {
      await runLoad({ ...base, target, durationSeconds: 1 });
      return runLoad({
        ...base,
        target,
        durationSeconds: seconds,
        concurrency: 32,
        ratePerSecond: max.load.spansPerSecond / 2 / spansPerRequest,
      });
    }, transport);
    const tenK = await phase(async (target, pid) => {
      // Warm-up as in the other phases: without it the first, cold requests are the p99 of this
      // phase's few requests (20 a second at 512 spans).
      await runLoad({ ...base, target, durationSeconds: 1, concurrency: 8, ratePerSecond: 10_000 / spansPerRequest });
      const load = await runLoad({
        ...base,
        target,
        durationSeconds: seconds,
        concurrency: 8,
        ratePerSecond: 10_000 / spansPerRequest,
      });
      return { load, rss: rssBytes(pid) };
    }, transport);
    rows.push({
      case: `${transport} protobuf, ${spansPerRequest} spans/request`,
      figures: {
        spans_per_s: Math.round(max.load.spansPerSecond),
        cpu_s_per_million_spans: Number(((max.cpu / max.load.spans) * 1e6).toFixed(2)),
        ack_p50_ms_at_half_rate: Number(half.ackP50Ms.toFixed(2)),
        ack_p99_ms_at_half_rate: Number(half.ackP99Ms.toFixed(2)),
        ack_p99_ms_at_10k_spans_s: Number(tenK.load.ackP99Ms.toFixed(2)),
        rss_mib_at_10k_spans_s: Number((tenK.rss / 2 ** 20).toFixed(1)),
        peak_rss_mib_at_max_rate: Number((max.peakRss / 2 ** 20).toFixed(1)),
        refused: max.load.refused + half.refused + tenK.load.refused,
        failed: max.load.failed + half.failed + tenK.load.failed,
      },
    });
  }
}
process.stdout.write(`${JSON.stringify({ scenario: 'ingest (embedded log)', rows })}\n`);
