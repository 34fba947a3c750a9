// Ingest on the embedded log: OTLP/HTTP protobuf and gRPC at 100 and 512 spans per request.
// Figures: max spans/s, gateway CPU-seconds per million spans, ack p50/p99 at half the max rate,
// peak RSS, and RSS at 10k spans/s. Load comes from a separate process (load-generator.ts).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { cpuSeconds, peakRssBytes, rssBytes } from '../proc-sampler.ts';

const quick = process.argv.includes('--quick');
const seconds = quick ? 3 : 15;
const generator = fileURLToPath(new URL('../load-generator.ts', import.meta.url));

interface LoadSummary {
  spans: number;
  spansPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  refused: number;
  failed: number;
}

function runLoad(options: Record<string, unknown>): Promise<LoadSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [generator, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

const rows = [];
for (const transport of ['http', 'grpc'] as const) {
  for (const spansPerRequest of [100, 512]) {
    const gateway = await startGatewayProcess({
      config: { service: { role: 'ingest' }, log: { level: 'warn' } },
      bundled: true,
      env: { LOG_LEVEL: 'warn' },
    });
    const pid = gateway.child.pid!;
    const target = transport === 'http' ? gateway.httpUrl : gateway.grpcAddress;
    const base = { transport, target, spansPerRequest, concurrency: 16, ratePerSecond: 0 };
    await runLoad({ ...base, durationSeconds: 1 }); // warm-up: JIT, connections, first segment
    const cpuBefore = cpuSeconds(pid);
    const max = await runLoad({ ...base, durationSeconds: seconds });
    const cpuUsed = cpuSeconds(pid) - cpuBefore;
    const half = await runLoad({
      ...base,
      durationSeconds: seconds,
      concurrency: 32,
      ratePerSecond: max.spansPerSecond / 2 / spansPerRequest,
    });
    const tenK = await runLoad({
      ...base,
      durationSeconds: seconds,
      concurrency: 8,
      ratePerSecond: 10_000 / spansPerRequest,
    });
    const rssAt10k = rssBytes(pid);
    rows.push({
      case: `${transport} protobuf, ${spansPerRequest} spans/request`,
      figures: {
        spans_per_s: Math.round(max.spansPerSecond),
        cpu_s_per_million_spans: Number(((cpuUsed / max.spans) * 1e6).toFixed(2)),
        ack_p50_ms_at_half_rate: Number(half.ackP50Ms.toFixed(2)),
        ack_p99_ms_at_half_rate: Number(half.ackP99Ms.toFixed(2)),
        rss_mib_at_10k_spans_s: Number((rssAt10k / 2 ** 20).toFixed(1)),
        peak_rss_mib: Number((peakRssBytes(pid) / 2 ** 20).toFixed(1)),
        refused: max.refused + half.refused + tenK.refused,
        failed: max.failed + half.failed + tenK.failed,
      },
    });
    await gateway.kill('SIGTERM');
    spawnSync('rm', ['-rf', gateway.dir]);
  }
}
process.stdout.write(`${JSON.stringify({ scenario: 'ingest (embedded log)', rows })}\n`);
