// CPU profile of the bundled gateway in `--role process` draining a pre-filled Kafka topic, as in
// the collector-workers benchmark, summarised by self time.
//   node loadtest/collector/profile-worker.ts --kafka host:port [--signal metrics|traces] [--messages N]
//     [--prometheus http://127.0.0.1:19390]
// metrics go to the prometheus exporter (remote write), traces to the debug exporter.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startGatewayProcess } from '../../test/support/gateway-process.ts';
import { sumCounter } from './accepted-spans.ts';
import { printProfiles } from './cpu-profile-summary.ts';
import { fillTopic } from './fill-topic.ts';
import { metricsMessage, POINTS_PER_MESSAGE, SPANS_PER_MESSAGE, tracesMessage } from './worker-payloads.ts';

const { values } = parseArgs({
  options: {
    kafka: { type: 'string', default: '127.0.0.1:19392' },
    signal: { type: 'string', default: 'metrics' },
    messages: { type: 'string', default: '15000' },
    prometheus: { type: 'string', default: 'http://127.0.0.1:19390' },
  },
});
const signal = values.signal === 'traces' ? 'traces' : 'metrics';
const messages = Number(values.messages);
const brokers = values.kafka.split(',');
const run = `p${Date.now().toString(36)}`;
const topic = `profile-worker-${run}`;
const startMs = Date.now() - 20 * 60_000;
const build = signal === 'metrics' ? metricsMessage : tracesMessage;
await fillTopic(brokers, topic, 6, messages, (index) => build(run, index, startMs));
const expected = messages * (signal === 'metrics' ? POINTS_PER_MESSAGE : SPANS_PER_MESSAGE);

const profileDir = mkdtempSync(join(tmpdir(), 'otelgate-cpuprof-'));
const exporter = signal === 'metrics' ? 'prometheus' : 'debug';
const gateway = await startGatewayProcess({
  config: {
    service: { role: 'process' },
    log: { level: 'warn' },
    buffer: {
      kafka: {
        brokers,
        topics: { traces: `${run}-t`, metrics: `${run}-m`, logs: `${run}-l`, [signal]: topic },
        compression: 'none',
        consumer: { groupId: `g-${run}` },
      },
    },
    exporters: {
      prometheus: { endpoint: `${values.prometheus}/api/v1/write` },
      debug: { verbosity: 'basic' },
    },
    pipelines: { [signal]: { processors: [], exporters: [exporter] } },
  },
  bundled: true,
  env: { LOG_LEVEL: 'warn', NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` },
});
const started = performance.now();
for (;;) {
  const count = await sumCounter(`${gateway.adminUrl}/metrics`, 'otelgate_exporter_sent_items', { signal });
  if (count >= expected) break;
  if (performance.now() - started > 600_000) throw new Error(`only ${count} of ${expected} exported`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${signal}: ${expected} items in ${seconds.toFixed(1)} s (${Math.round(expected / seconds)}/s)\n`);
await gateway.kill('SIGTERM'); // the profile is written on a clean exit
printProfiles(profileDir);
