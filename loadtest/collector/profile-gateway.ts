// CPU profile of the bundled gateway under the benchmark's load, summarised by self time.
//   node loadtest/collector/profile-gateway.ts [--seconds N] [--transport http|grpc|both] [--kafka host:port] [--rate spans/s] [--telemetrygen] [--warm-up N]
// Without --rate the load runs as fast as acks allow (16 in flight); with it, at that fixed rate.
// --telemetrygen drives gRPC with the Collector project's telemetrygen instead (8 workers, 100-span
// traces, --rate spans/s, default 14,000), after loadtest/collector/build-collector.sh.
// Without --kafka the gateway runs on the embedded log.
// Writes the .cpuprofile under a temp dir (path printed) and prints the top functions by self time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startGatewayProcess } from '../../test/support/gateway-process.ts';
import { runLoad } from '../bench/run-load.ts';
import { cpuSeconds } from '../bench/proc-sampler.ts';
import { collectorBinaries } from './collector-binaries.ts';
import { printProfiles } from './cpu-profile-summary.ts';
import { runTelemetrygen } from './run-telemetrygen.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    transport: { type: 'string', default: 'both' },
    kafka: { type: 'string' },
    rate: { type: 'string', default: '0' },
    telemetrygen: { type: 'boolean', default: false },
    /** Load before the profiled part, left out of the summary (start-up and JIT warm-up). */
    'warm-up': { type: 'string', default: '0' },
  },
});
const seconds = Number(values.seconds);
const transports = values.transport === 'both' ? ['http', 'grpc'] : [values.transport];
const profileDir = mkdtempSync(join(tmpdir(), 'otelgate-cpuprof-'));

// The profile starts with the process: time from the spawn approximates time into the profile.
const spawnedAt = performance.now();
let measuredFromMs = 0;
const gateway = await startGatewayProcess({
  config: {
    service: { role: 'ingest' },
    log: { level: 'warn' },
    ...(values.kafka
      ? {
          buffer: {
            kafka: {
              brokers: values.kafka.split(','),
              topics: { traces: `profile-${Date.now()}` },
              compression: 'none',
            },
          },
        }
      : {}),
  },
  bundled: true,
  env: { LOG_LEVEL: 'warn', NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` },
});
const warmUpSeconds = Number(values['warm-up']);
if (values.telemetrygen) {
  const rate = Number(values.rate) || 14_000;
  const telemetrygen = (durationSeconds: number) =>
    runTelemetrygen(collectorBinaries().telemetrygen, {
      endpoint: gateway.grpcAddress,
      durationSeconds,
      workers: 8,
      childSpans: 99,
      spansPerSecondPerWorker: rate / 8,
    });
  if (warmUpSeconds > 0) await telemetrygen(warmUpSeconds);
  measuredFromMs = performance.now() - spawnedAt;
  const cpuBefore = cpuSeconds(gateway.child.pid as number);
  await telemetrygen(seconds);
  const cpu = cpuSeconds(gateway.child.pid as number) - cpuBefore;
  process.stdout.write(`telemetrygen: ${rate} spans/s asked for ${seconds} s, gateway CPU ${cpu.toFixed(2)} s\n`);
}
const loadTransports = values.telemetrygen ? [] : transports;
const load = (transport: string, durationSeconds: number) =>
  runLoad({
    transport: transport as 'http' | 'grpc',
    target: transport === 'http' ? gateway.httpUrl : gateway.grpcAddress,
    spansPerRequest: 100,
    concurrency: 16,
    ratePerSecond: Number(values.rate) / 100,
    durationSeconds,
  });
// Every transport warms up before any is measured, so the summary holds no warm-up at all.
if (warmUpSeconds > 0) for (const transport of loadTransports) await load(transport, warmUpSeconds);
if (loadTransports.length > 0) measuredFromMs = performance.now() - spawnedAt;
for (const transport of loadTransports) {
  const summary = await load(transport, seconds);
  process.stdout.write(`${transport}: ${Math.round(summary.spansPerSecond)} spans/s\n`);
}
await gateway.kill('SIGTERM'); // the profile is written on a clean exit

printProfiles(profileDir, 25, warmUpSeconds > 0 ? Math.round(measuredFromMs) : 0);
