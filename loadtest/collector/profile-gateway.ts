// CPU profile of the bundled gateway under the benchmark's load, summarised by self time.
//   node loadtest/collector/profile-gateway.ts [--seconds N] [--transport http|grpc|both] [--kafka host:port] [--rate spans/s] [--telemetrygen]
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
  },
});
const seconds = Number(values.seconds);
const transports = values.transport === 'both' ? ['http', 'grpc'] : [values.transport];
const profileDir = mkdtempSync(join(tmpdir(), 'otelgate-cpuprof-'));

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
if (values.telemetrygen) {
  const rate = Number(values.rate) || 14_000;
  const cpuBefore = cpuSeconds(gateway.child.pid as number);
  await runTelemetrygen(collectorBinaries().telemetrygen, {
    endpoint: gateway.grpcAddress,
    durationSeconds: seconds,
    workers: 8,
    childSpans: 99,
    spansPerSecondPerWorker: rate / 8,
  });
  const cpu = cpuSeconds(gateway.child.pid as number) - cpuBefore;
  process.stdout.write(`telemetrygen: ${rate} spans/s asked for ${seconds} s, gateway CPU ${cpu.toFixed(2)} s\n`);
}
for (const transport of values.telemetrygen ? [] : transports) {
  const target = transport === 'http' ? gateway.httpUrl : gateway.grpcAddress;
  const summary = await runLoad({
    transport,
    target,
    spansPerRequest: 100,
    concurrency: 16,
    ratePerSecond: Number(values.rate) / 100,
    durationSeconds: seconds,
  });
  process.stdout.write(`${transport}: ${Math.round(summary.spansPerSecond)} spans/s\n`);
}
await gateway.kill('SIGTERM'); // the profile is written on a clean exit

printProfiles(profileDir);
