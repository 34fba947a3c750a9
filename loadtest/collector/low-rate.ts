// CPU per span at low request rates, otelgate and the Collector side by side (OTLP in → Kafka,
// acks=all before answering), with the same SDK-made 100-span requests at 100 and 1,000
// requests/s and as fast as acks allow. Also splits otelgate's CPU by thread (main thread, V8
// workers, libuv pool), to tell per-request work from background work.
//   node loadtest/collector/low-rate.ts [--seconds N] [--transport http|grpc] [--kafka host:port]
// Needs the bundle (`bash scripts/build.sh`), the Collector (build-collector.sh) and a broker.
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startGatewayProcess } from '../../test/support/gateway-process.ts';
import { cpuSeconds, threadCpuSeconds } from '../bench/proc-sampler.ts';
import { runLoad } from '../bench/run-load.ts';
import { collectorBinaries } from './collector-binaries.ts';
import { ingestToKafkaConfig } from './collector-config.ts';
import { collectorPorts, startCollector } from './collector-process.ts';
import { createTopic } from './create-topic.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    transport: { type: 'string', default: 'http' },
    kafka: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092' },
  },
});
const seconds = Number(values.seconds);
const transport = values.transport as 'http' | 'grpc';
const brokers = values.kafka.split(',');
const RATES = [100, 1_000, 0]; // requests per second; 0 = as fast as acks allow (16 in flight)

async function measure(name: string, pid: number, target: string, perThread: boolean): Promise<void> {
  // Steady state: a few seconds of load first, so otelgate's JIT compiles the hot path (its V8
  // compiler threads otherwise charge the first phase) and both servers have their connections up.
  await runLoad({ transport, target, spansPerRequest: 100, concurrency: 16, ratePerSecond: 1_000, durationSeconds: 3 });
  for (const rate of RATES) {
    const cpuBefore = cpuSeconds(pid);
    const threadsBefore = perThread ? threadCpuSeconds(pid) : new Map<string, number>();
    const load = await runLoad({
      transport,
      target,
      spansPerRequest: 100,
      concurrency: 16,
      ratePerSecond: rate,
      durationSeconds: seconds,
    });
    const perMillion = (cpu: number) => ((cpu / Math.max(1, load.spans)) * 1e6).toFixed(2);
    let line = `${name.padEnd(9)} ${transport} ${rate ? `${rate} req/s` : 'max'}: ${Math.round(load.spansPerSecond)} spans/s, ${perMillion(cpuSeconds(pid) - cpuBefore)} CPU-s per million spans`;
    if (perThread) {
      const parts = [...threadCpuSeconds(pid)]
        .map(([thread, cpu]) => [thread, cpu - (threadsBefore.get(thread) ?? 0)] as const)
        .filter(([, cpu]) => cpu > 0.01)
        .map(([thread, cpu]) => `${thread} ${perMillion(cpu)}`);
      line += ` (${parts.join(', ')})`;
    }
    process.stdout.write(`${line}\n`);
  }
}

const gateway = await startGatewayProcess({
  bundled: true,
  config: {
    service: { role: 'ingest' },
    log: { level: 'warn' },
    buffer: {
      kafka: {
        brokers,
        topics: { traces: `low-rate-${Date.now()}` },
        compression: 'none',
        autoCreateTopics: { partitions: 6 },
      },
    },
  },
  env: { LOG_LEVEL: 'warn' },
});
await measure(
  'otelgate',
  gateway.child.pid as number,
  transport === 'http' ? gateway.httpUrl : gateway.grpcAddress,
  true,
);
await gateway.kill('SIGTERM');
rmSync(gateway.dir, { recursive: true, force: true });

const topic = `low-rate-otelcol-${Date.now()}`;
await createTopic(brokers, topic, 6);
const ports = await collectorPorts();
const collector = await startCollector(
  collectorBinaries().otelcol,
  ports,
  ingestToKafkaConfig({ ports, brokers, topic, ackMode: 'durable', sink: 'kafka' }),
);
await measure(
  'collector',
  collector.child.pid as number,
  transport === 'http' ? collector.httpUrl : collector.grpcAddress,
  false,
);
await collector.kill();
rmSync(collector.dir, { recursive: true, force: true });
