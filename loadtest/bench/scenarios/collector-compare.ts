// otelgate next to the OpenTelemetry Collector (issue 8), same load, same topology, alternating runs.
// Topology: OTLP in -> Kafka (the Collector: otlp receiver -> kafka exporter, acks=all, no batch
// processor and no sending queue so the response waits for Kafka like otelgate's does). otelgate runs
// `--role ingest` on buffer.kafka when the gateway wires it, else on the embedded log (fsync'd), and
// the output says which. Load: our load-generator.ts (100 spans/request, HTTP protobuf and gRPC), then
// telemetrygen at a fixed rate as a second, independent client.
// Needs loadtest/collector/build-collector.sh to have run. Kafka: test/services/kafka on its own port.
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startKafka, uniqueName } from '../../../test/kafka/kafka-service.ts';
import { startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { collectorAcceptedSpans, otelgateAcceptedSpans } from '../../collector/accepted-spans.ts';
import { collectorBinaries } from '../../collector/collector-binaries.ts';
import { type CollectorAckMode, type CollectorSink, ingestToKafkaConfig } from '../../collector/collector-config.ts';
import { collectorPorts, startCollector } from '../../collector/collector-process.ts';
import { createTopic } from '../../collector/create-topic.ts';
import { runLoad } from '../run-load.ts';
import { runTelemetrygen } from '../../collector/run-telemetrygen.ts';
import { cpuSeconds, peakRssBytes } from '../proc-sampler.ts';

const quick = process.argv.includes('--quick');
const seconds = quick ? 4 : 12;
const rounds = quick ? 1 : 3;
const SPANS_PER_REQUEST = 100;
const CONCURRENCY = 16;
const kafkaPort = Number(process.env.BENCH_KAFKA_PORT ?? 19392);
const PARTITIONS = 6; // otelgate's autoCreateTopics default

const binaries = collectorBinaries();
const brokers = (await startKafka(kafkaPort)).split(',');
const openBufferSource = fileURLToPath(new URL('../../../gateway/src/buffer/open-buffer.ts', import.meta.url));
const otelgateOnKafka = /kafka/i.test(readFileSync(openBufferSource, 'utf8'));
const otelgateBuffer = otelgateOnKafka ? 'Kafka' : 'embedded log';
process.stderr.write(
  `collector-compare: Collector ${binaries.version}, Kafka ${brokers}, otelgate on ${otelgateBuffer}\n`,
);

interface Target {
  name: string;
  pid: number;
  httpUrl: string;
  grpcAddress: string;
  acceptedSpans(): Promise<number>;
  stop(): Promise<void>;
}

async function startOtelgate(onKafka = otelgateOnKafka): Promise<Target> {
  const buffer = onKafka
    ? {
        buffer: {
          kafka: {
            brokers,
            topics: { traces: uniqueName('bench-otelgate') },
            compression: 'none', // the Collector's kafka exporter default
            autoCreateTopics: { partitions: PARTITIONS },
          },
        },
      }
    : // A max-rate run writes gigabytes; the default size cap would refuse the later runs as full.
      { buffer: { embedded: { maxBytes: 32 * 1024 ** 3, retention: { maxBytes: 32 * 1024 ** 3 } } } };
  const gateway = await startGatewayProcess({
    config: { service: { role: 'ingest' }, log: { level: 'warn' }, ...buffer },
    bundled: true,
    env: { LOG_LEVEL: 'warn' },
  });
  return {
    name: onKafka === otelgateOnKafka ? 'otelgate' : 'otelgate (embedded log)',
    pid: gateway.child.pid!,
    httpUrl: gateway.httpUrl,
    grpcAddress: gateway.grpcAddress,
    acceptedSpans: () => otelgateAcceptedSpans(gateway.adminUrl),
    async stop() {
      await gateway.kill('SIGTERM');
      rmSync(gateway.dir, { recursive: true, force: true });
    },
  };
}

async function startOtelcol(ackMode: CollectorAckMode, sink: CollectorSink = 'kafka'): Promise<Target> {
  const ports = await collectorPorts();
  const topic = uniqueName('bench-otelcol');
  await createTopic(brokers, topic, PARTITIONS);
  const config = ingestToKafkaConfig({ ports, brokers, topic, ackMode, sink });
  const collector = await startCollector(binaries.otelcol, ports, config);
  return {
    name: sink === 'nop' ? 'collector (nop)' : ackMode === 'durable' ? 'collector' : 'collector (batch + queue)',
    pid: collector.child.pid!,
    httpUrl: collector.httpUrl,
    grpcAddress: collector.grpcAddress,
    acceptedSpans: () => collectorAcceptedSpans(collector.metricsUrl),
    async stop() {
      await collector.kill();
      rmSync(collector.dir, { recursive: true, force: true });
    },
  };
}

type Transport = 'http' | 'grpc';
interface Sample {
  spansPerSecond: number;
  cpuPerMillionAtMax: number;
  cpuPerMillionAtFixed: number;
  ackP50Ms: number;
  ackP99Ms: number;
  peakRssMiB: number;
  refused: number;
  failed: number;
}
const samples = new Map<string, Sample[]>(); // key: `${target} ${transport}`

function load(target: Target, transport: Transport, extra: Record<string, unknown>) {
  return runLoad({
    transport,
    target: transport === 'http' ? target.httpUrl : target.grpcAddress,
    spansPerRequest: SPANS_PER_REQUEST,
    concurrency: CONCURRENCY,
    ratePerSecond: 0,
    durationSeconds: seconds,
    ...extra,
  });
}

for (let round = 0; round < rounds; round++) {
  // Both up for the whole round; only one is under load at a time.
  const targets = [await startOtelgate(), await startOtelcol('durable')];
  const partial = new Map<string, Partial<Sample>>();
  for (const transport of ['http', 'grpc'] as const) {
    const maxByTarget: number[] = [];
    for (const target of targets) {
      await load(target, transport, { durationSeconds: 1 }); // warm-up: JIT, connections
      const cpuBefore = cpuSeconds(target.pid);
      const max = await load(target, transport, {});
      const cpu = cpuSeconds(target.pid) - cpuBefore;
      maxByTarget.push(max.spansPerSecond);
      partial.set(`${target.name} ${transport}`, {
        spansPerSecond: max.spansPerSecond,
        cpuPerMillionAtMax: (cpu / Math.max(1, max.spans)) * 1e6,
        refused: max.refused,
        failed: max.failed,
      });
      process.stderr.write(
        `  round ${round + 1} ${target.name} ${transport}: ${Math.round(max.spansPerSecond)} spans/s\n`,
      );
    }
    // Latency and efficiency at the same offered load for both: half of the slower one's maximum.
    const fixedRequestsPerSecond = Math.min(...maxByTarget) / 2 / SPANS_PER_REQUEST;
    for (const target of targets) {
      const cpuBefore = cpuSeconds(target.pid);
      const fixed = await load(target, transport, { concurrency: 32, ratePerSecond: fixedRequestsPerSecond });
      const cpu = cpuSeconds(target.pid) - cpuBefore;
      const sample = partial.get(`${target.name} ${transport}`)!;
      Object.assign(sample, {
        cpuPerMillionAtFixed: (cpu / Math.max(1, fixed.spans)) * 1e6,
        ackP50Ms: fixed.ackP50Ms,
        ackP99Ms: fixed.ackP99Ms,
        refused: (sample.refused ?? 0) + fixed.refused,
        failed: (sample.failed ?? 0) + fixed.failed,
      });
    }
  }
  for (const target of targets) {
    const peak = peakRssBytes(target.pid) / 2 ** 20;
    for (const transport of ['http', 'grpc'] as const) {
      const key = `${target.name} ${transport}`;
      const list = samples.get(key) ?? [];
      list.push({ ...(partial.get(key) as Sample), peakRssMiB: peak });
      samples.set(key, list);
    }
    await target.stop();
  }
}

const rows: { case: string; figures: Record<string, number | string> }[] = [];
const summary = (key: string): Record<string, number> => {
  const list = samples.get(key) ?? [];
  const med = (pick: (s: Sample) => number) => median(list.map(pick));
  return {
    spans_per_s: Math.round(med((s) => s.spansPerSecond)),
    cpu_s_per_million_spans: round(med((s) => s.cpuPerMillionAtMax)),
    cpu_s_per_million_at_fixed_rate: round(med((s) => s.cpuPerMillionAtFixed)),
    ack_p50_ms: round(med((s) => s.ackP50Ms)),
    ack_p99_ms: round(med((s) => s.ackP99Ms)),
    peak_rss_mib: round(Math.max(...list.map((s) => s.peakRssMiB))),
    refused: list.reduce((sum, s) => sum + s.refused, 0),
    failed: list.reduce((sum, s) => sum + s.failed, 0),
  };
};
for (const transport of ['http', 'grpc'] as const) {
  const ours = summary(`otelgate ${transport}`);
  const theirs = summary(`collector ${transport}`);
  const label = transport === 'http' ? 'OTLP/HTTP protobuf' : 'OTLP/gRPC';
  rows.push({ case: `otelgate (${otelgateBuffer}), ${label}`, figures: ours });
  rows.push({ case: `collector (Kafka, acks=all), ${label}`, figures: theirs });
  rows.push({ case: `ratio otelgate/collector, ${label}`, figures: ratios(ours, theirs) });
}

// References, full runs only: the Collector as usually deployed (batch processor + sending queue:
// clients are answered before Kafka has the data), and the Collector receiving into the nop
// exporter (what receiving and decoding alone cost it); and otelgate on its embedded log (fsync'd),
// to separate its receive path from its Kafka producer.
if (!quick) {
  const references = [
    ...(otelgateOnKafka ? [{ label: 'otelgate ingest → embedded log', start: () => startOtelgate(false) }] : []),
    { label: 'collector batch+queue (acks before Kafka)', start: () => startOtelcol('default') },
    { label: 'collector otlp → nop (receive only)', start: () => startOtelcol('durable', 'nop') },
  ];
  for (const reference of references) {
    const target = await reference.start();
    for (const transport of ['http', 'grpc'] as const) {
      await load(target, transport, { durationSeconds: 1 });
      const cpuBefore = cpuSeconds(target.pid);
      const max = await load(target, transport, {});
      const cpu = cpuSeconds(target.pid) - cpuBefore;
      rows.push({
        case: `${reference.label}, ${transport}`,
        figures: {
          spans_per_s: Math.round(max.spansPerSecond),
          cpu_s_per_million_spans: max.spans > 0 ? round((cpu / max.spans) * 1e6) : 0,
          ack_p50_ms_at_max: round(max.ackP50Ms),
          ack_p99_ms_at_max: round(max.ackP99Ms),
          peak_rss_mib: round(peakRssBytes(target.pid) / 2 ** 20),
          refused: max.refused,
          failed: max.failed,
        },
      });
    }
    await target.stop();
  }
}

// telemetrygen: the Collector project's own client, same fixed rate into each, spans counted by the
// servers' own accepted-spans counters.
// Its per-worker limiter sleeps before every span and cannot keep up past ~1,500 spans/s per
// worker here, so the offered load is spread over several workers.
const tgenSpansPerSecond = quick ? 10_000 : 20_000;
const TGEN_WORKERS = 8;
const TGEN_WARM_UP_SECONDS = 3;
const tgen: Record<string, Record<string, number>> = {};
for (const start of [startOtelgate, () => startOtelcol('durable')]) {
  const target = await start();
  const telemetrygen = (durationSeconds: number) =>
    runTelemetrygen(binaries.telemetrygen, {
      endpoint: target.grpcAddress,
      durationSeconds,
      workers: TGEN_WORKERS,
      childSpans: SPANS_PER_REQUEST - 1,
      spansPerSecondPerWorker: tgenSpansPerSecond / TGEN_WORKERS,
    });
  // Warm-up, as for the other rows: a fresh Node process spends its first seconds compiling.
  await telemetrygen(TGEN_WARM_UP_SECONDS);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the warm-up's last export land
  const acceptedBefore = await target.acceptedSpans();
  const cpuBefore = cpuSeconds(target.pid);
  const run = await telemetrygen(seconds);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the last export land
  const accepted = (await target.acceptedSpans()) - acceptedBefore;
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  tgen[target.name] = {
    spans_per_s: Math.round(accepted / run.elapsedSeconds),
    cpu_s_per_million_spans: round((cpu / Math.max(1, accepted)) * 1e6),
    peak_rss_mib: round(peakRssBytes(target.pid) / 2 ** 20),
  };
  await target.stop();
}
rows.push({ case: `telemetrygen gRPC → otelgate (${otelgateBuffer})`, figures: tgen.otelgate });
rows.push({ case: 'telemetrygen gRPC → collector (Kafka, acks=all)', figures: tgen.collector });
rows.push({ case: 'ratio otelgate/collector, telemetrygen', figures: ratios(tgen.otelgate, tgen.collector) });

process.stdout.write(
  `${JSON.stringify({ scenario: `collector-compare (Collector ${binaries.version}, otelgate on ${otelgateBuffer})`, rows })}\n`,
);

function ratios(ours: Record<string, number>, theirs: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(ours)) {
    if (key === 'refused' || key === 'failed') continue;
    const other = theirs[key];
    if (typeof other === 'number' && other > 0) result[key] = round(value / other);
  }
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)];
}

function round(value: number): number {
  return Number(value.toPrecision(3));
}
