// CPU profile of the bundled gateway under the benchmark's load, summarised by self time.
//   node loadtest/collector/profile-gateway.ts [--seconds N] [--transport http|grpc|both] [--kafka host:port]
// Without --kafka the gateway runs on the embedded log.
// Writes the .cpuprofile under a temp dir (path printed) and prints the top functions by self time.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startGatewayProcess } from '../../test/support/gateway-process.ts';
import { runLoad } from '../bench/run-load.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

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

for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = totalMs / Math.max(1, profile.samples.length);
  const self = new Map<string, number>();
  let sampled = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules\/|dist\/|node:)/, '$1')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + hits);
    sampled += hits;
  }
  const idle = [...self.entries()].filter(([key]) => key.startsWith('(idle)')).reduce((sum, [, n]) => sum + n, 0);
  process.stdout.write(
    `\n${join(profileDir, file)}: ${totalMs.toFixed(0)} ms, busy ${(((sampled - idle) / sampled) * 100).toFixed(0)}%\n`,
  );
  process.stdout.write('self % of busy  self ms  function\n');
  const busy = sampled - idle;
  for (const [key, hits] of [...self.entries()]
    .filter(([key]) => !key.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)) {
    process.stdout.write(
      `${((hits / busy) * 100).toFixed(1).padStart(14)}  ${(hits * msPerSample).toFixed(0).padStart(7)}  ${key}\n`,
    );
  }
}
