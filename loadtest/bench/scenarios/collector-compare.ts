// otelgate next to the OpenTelemetry Collector (issues 8 and 14), same load, same topology, alternating runs.
// Topology: OTLP in -> Kafka (the Collector: otlp receiver -> kafka exporter, acks=all, no batch
// processor and no sending queue so the response waits for Kafka like otelgate's does). otelgate runs
// `--role ingest` on buffer.kafka when the gateway wires it, else on the embedded log (fsync'd), and
// the output says which. Load: our load-generator.ts (100 spans/request, HTTP protobuf and gRPC) at a
// fixed 20,000 spans/s and then at the maximum rate, each phase with its own CPU and peak RSS; then
// telemetrygen at a fixed rate as a second, independent client. Issue 14's targets, as ratios
// otelgate/Collector in one run, are checked on the ratio rows (`targets`). A Node floor (a Node
// process that only reads and answers) takes the same phases, for the memory ratio's scale.
//   node loadtest/bench/scenarios/collector-compare.ts [--quick] [--rounds N] [--seconds N] [--compare-only]
// Needs loadtest/collector/build-collector.sh to have run. Kafka: test/services/kafka on its own port.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startKafka, uniqueName } from '../../../test/kafka/kafka-service.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { shippedNodeFlags, startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { collectorAcceptedSpans, otelgateAcceptedSpans } from '../../collector/accepted-spans.ts';
import { collectorBinaries } from '../../collector/collector-binaries.ts';
import { type CollectorAckMode, type CollectorSink, ingestToKafkaConfig } from '../../collector/collector-config.ts';
import { collectorPorts, startCollector } from '../../collector/collector-process.ts';
import { createTopic, deleteTopics } from '../../collector/create-topic.ts';
import { runLoad } from '../run-load.ts';
import { runTelemetrygen } from '../../collector/run-telemetrygen.ts';
import { cpuSeconds, peakRssBytes, resetPeakRss } from '../proc-sampler.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    /** Only the alternating comparison: no reference rows, no telemetrygen (a short run on a shared machine). */
    'compare-only': { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const seconds = Number(args.seconds ?? (quick ? 4 : 12));
const rounds = Number(args.rounds ?? (quick ? 1 : 3));
const compareOnly = args['compare-only'];
/** Issue 14's fixed rate: 20,000 spans/s, i.e. 200 requests/s of 100 spans. */
const FIXED_SPANS_PER_SECOND = 20_000;
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
  const topic = uniqueName('bench-otelgate');
  const buffer = onKafka
    ? {
        buffer: {
          kafka: {
            brokers,
            topics: { traces: topic },
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
      if (onKafka) await deleteTopics(brokers, [topic]);
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
      await deleteTopics(brokers, [topic]);
    },
  };
}

/**
 * The Node floor: a Node process (ingest's shipped V8 flags) that only reads each body and answers
 * success (loadtest/collector/node-floor-server.mjs). Its peak RSS under the same load is the least
 * any gateway written for Node can hold here, whatever it does behind the socket.
 */
async function startNodeFloor(): Promise<Target> {
  const [http, grpc] = [await freePort(), await freePort()];
  const server = fileURLToPath(new URL('../../collector/node-floor-server.mjs', import.meta.url));
  const child = spawn(process.execPath, [...shippedNodeFlags('ingest'), server, String(http), String(grpc)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(child.stdout, 'data');
  return {
    name: 'node floor',
    pid: child.pid!,
    httpUrl: `http://127.0.0.1:${http}`,
    grpcAddress: `127.0.0.1:${grpc}`,
    acceptedSpans: async () => 0,
    async stop() {
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

type Transport = 'http' | 'grpc';
interface Sample {
  spansPerSecond: number;
  cpuPerMillionAtMax: number;
  cpuPerMillionAtFixed: number;
  fixedSpansPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  peakRssMiBAtFixed: number;
  peakRssMiBAtMax: number;
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

/** One load phase: its result, the CPU the target used and its peak RSS during the phase alone. */
async function phase(target: Target, transport: Transport, extra: Record<string, unknown>) {
  resetPeakRss(target.pid);
  const cpuBefore = cpuSeconds(target.pid);
  const result = await load(target, transport, extra);
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  return {
    result,
    cpuPerMillion: (cpu / Math.max(1, result.spans)) * 1e6,
    peakRssMiB: peakRssBytes(target.pid) / 2 ** 20,
  };
}

for (let round = 0; round < rounds; round++) {
  for (const transport of ['http', 'grpc'] as const) {
    // Fresh processes per transport, so one transport's peak RSS is not the other's left-over heap.
    // Both up together; only one is under load at a time; who goes first alternates by round.
    const started = [await startOtelgate(), await startOtelcol('durable'), await startNodeFloor()];
    const targets = round % 2 === 0 ? started : [...started].reverse();
    for (const target of targets) {
      await load(target, transport, { durationSeconds: 1 }); // warm-up: JIT, connections
      // The fixed rate first, so its peak RSS is not the maximum run's left-over heap.
      const fixed = await phase(target, transport, {
        concurrency: 32,
        ratePerSecond: FIXED_SPANS_PER_SECOND / SPANS_PER_REQUEST,
      });
      const max = await phase(target, transport, {});
      const key = `${target.name} ${transport}`;
      samples.set(key, [
        ...(samples.get(key) ?? []),
        {
          spansPerSecond: max.result.spansPerSecond,
          cpuPerMillionAtMax: max.cpuPerMillion,
          cpuPerMillionAtFixed: fixed.cpuPerMillion,
          fixedSpansPerSecond: fixed.result.spansPerSecond,
          ackP50Ms: fixed.result.ackP50Ms,
          ackP99Ms: fixed.result.ackP99Ms,
          peakRssMiBAtFixed: fixed.peakRssMiB,
          peakRssMiBAtMax: max.peakRssMiB,
          refused: fixed.result.refused + max.result.refused,
          failed: fixed.result.failed + max.result.failed,
        },
      ]);
      process.stderr.write(
        `  round ${round + 1} ${key}: ${Math.round(max.result.spansPerSecond)} spans/s max; at ${FIXED_SPANS_PER_SECOND}/s ` +
          `p99 ${fixed.result.ackP99Ms.toFixed(1)} ms, ${fixed.cpuPerMillion.toFixed(1)} CPU-s/M, ` +
          `${fixed.peakRssMiB.toFixed(0)} MiB; at max ${max.cpuPerMillion.toFixed(1)} CPU-s/M, ${max.peakRssMiB.toFixed(0)} MiB\n`,
      );
    }
    for (const target of targets) await target.stop();
  }
}

const rows: { case: string; figures: Record<string, number | string> }[] = [];
const summary = (key: string): Record<string, number> => {
  const list = samples.get(key) ?? [];
  const med = (pick: (s: Sample) => number) => median(list.map(pick));
  return {
    spans_per_s: Math.round(med((s) => s.spansPerSecond)),
    cpu_s_per_million_at_max: round(med((s) => s.cpuPerMillionAtMax)),
    peak_rss_mib_at_max: round(Math.max(...list.map((s) => s.peakRssMiBAtMax))),
    spans_per_s_at_20k: Math.round(med((s) => s.fixedSpansPerSecond)),
    cpu_s_per_million_at_20k: round(med((s) => s.cpuPerMillionAtFixed)),
    ack_p50_ms_at_20k: round(med((s) => s.ackP50Ms)),
    ack_p99_ms_at_20k: round(med((s) => s.ackP99Ms)),
    peak_rss_mib_at_20k: round(Math.max(...list.map((s) => s.peakRssMiBAtFixed))),
    refused: list.reduce((sum, s) => sum + s.refused, 0),
    failed: list.reduce((sum, s) => sum + s.failed, 0),
  };
};
/** Issue 14's targets, as otelgate/Collector ratios. */
const TARGETS: [string, number][] = [
  ['peak_rss_mib_at_20k', 1.5],
  ['peak_rss_mib_at_max', 1.5],
  ['cpu_s_per_million_at_20k', 0.7],
  ['cpu_s_per_million_at_max', 0.5],
  ['ack_p99_ms_at_20k', 1.5],
];
for (const transport of ['http', 'grpc'] as const) {
  const ours = summary(`otelgate ${transport}`);
  const theirs = summary(`collector ${transport}`);
  const label = transport === 'http' ? 'OTLP/HTTP protobuf' : 'OTLP/gRPC';
  rows.push({ case: `otelgate (${otelgateBuffer}), ${label}`, figures: ours });
  rows.push({ case: `collector (Kafka, acks=all), ${label}`, figures: theirs });
  const ratio = ratios(ours, theirs);
  const missed = TARGETS.filter(([key, limit]) => !(ratio[key] <= limit)).map(([key, limit]) => `${key}>${limit}`);
  rows.push({
    case: `ratio otelgate/collector, ${label}`,
    figures: { ...ratio, targets: missed.length === 0 ? 'all met' : `missed: ${missed.join(' ')}` },
  });
  // A Node process that does nothing but read and answer, under the same load: the floor of the memory ratio.
  const floor = summary(`node floor ${transport}`);
  const peakRss = (numerator: Record<string, number>, denominator: Record<string, number>) => ({
    peak_rss_mib_at_20k: round(numerator.peak_rss_mib_at_20k / denominator.peak_rss_mib_at_20k),
    peak_rss_mib_at_max: round(numerator.peak_rss_mib_at_max / denominator.peak_rss_mib_at_max),
  });
  rows.push({ case: `node floor (reads and answers only), ${label}`, figures: floor });
  rows.push({ case: `ratio node floor/collector, ${label}`, figures: peakRss(floor, theirs) });
  rows.push({ case: `ratio otelgate/node floor, ${label}`, figures: peakRss(ours, floor) });
}

// References, full runs only: the Collector as usually deployed (batch processor + sending queue:
// clients are answered before Kafka has the data), and the Collector receiving into the nop
// exporter (what receiving and decoding alone cost it); and otelgate on its embedded log (fsync'd),
// to separate its receive path from its Kafka producer.
if (!quick && !compareOnly) {
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
if (!compareOnly) {
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
}

process.stdout.write(
  `${JSON.stringify({ scenario: `collector-compare (Collector ${binaries.version}, otelgate on ${otelgateBuffer})`, rows })}\n`,
);

function ratios(ours: Record<string, number>, theirs: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(ours)) {
    if (key === 'refused' || key === 'failed' || key === 'spans_per_s_at_20k') continue;
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
