// CPU profile of the bundled gateway under the benchmark's load, summarised by self time.
//   node loadtest/collector/profile-gateway.ts [--seconds N] [--transport http|grpc|both] [--kafka host:port]
// Without --kafka the gateway runs on the embedded log.
// Writes the .cpuprofile under a temp dir (path printed) and prints the top functions by self time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startGatewayProcess } from '../../test/support/gateway-process.ts';
import { runLoad } from '../bench/run-load.ts';
import { printProfiles } from './cpu-profile-summary.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    transport: { type: 'string', default: 'both' },
    kafka: { type: 'string' },
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
for (const transport of transports) {
  const target = transport === 'http' ? gateway.httpUrl : gateway.grpcAddress;
  const summary = await runLoad({
    transport,
    target,
    spansPerRequest: 100,
    concurrency: 16,
    ratePerSecond: 0,
    durationSeconds: seconds,
  });
  process.stdout.write(`${transport}: ${Math.round(summary.spansPerSecond)} spans/s\n`);
}
await gateway.kill('SIGTERM'); // the profile is written on a clean exit

printProfiles(profileDir);
