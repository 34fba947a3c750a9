// otelgate next to the OpenTelemetry Collector through the workers (issue 8): both drain the same
// kind of pre-filled Kafka backlog (otlp_proto messages, no headers, 6 partitions), alternating.
// - metrics: otelgate `--role process` on buffer.kafka -> prometheus exporter vs the Collector's
//   kafka receiver -> prometheusremotewrite, both into the same real Prometheus; every sample
//   is counted there by PromQL afterwards.
// - traces: otelgate -> debug exporter (basic: one log line per batch, suppressed at warn) vs the
//   Collector's kafka receiver -> nop: consume + decode only, not a sink. otelgate -> elasticsearch
//   is measured alone: the Collector built here has no elasticsearch exporter (builder-config.yaml).
// Each run fills a topic of its own first (not timed), then starts the worker; the rate is taken
// from its first exported item to its last (group join and start-up excluded), from the worker's
// own exporter counters. Needs loadtest/collector/build-collector.sh to have run.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startKafka } from '../../../test/kafka/kafka-service.ts';
import { startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { sumCounter } from '../../collector/accepted-spans.ts';
import { collectorBinaries } from '../../collector/collector-binaries.ts';
import { kafkaToSinkConfig, type WorkerAckMode, type WorkerSink } from '../../collector/collector-config.ts';
import { collectorPorts, startCollector } from '../../collector/collector-process.ts';
import { deleteTopics } from '../../collector/create-topic.ts';
import { fillTopic } from '../../collector/fill-topic.ts';
import { countSamples } from '../../collector/prometheus-samples.ts';
import {
  metricNames,
  metricsMessage,
  POINTS_PER_MESSAGE,
  SPANS_PER_MESSAGE,
  tracesMessage,
} from '../../collector/worker-payloads.ts';
import { cpuSeconds, peakRssBytes } from '../proc-sampler.ts';

const quick = process.argv.includes('--quick');
const rounds = quick ? 1 : 3;
// Messages per run (100 points or 100 spans each); Elasticsearch is slower, so it gets fewer.
const MESSAGES = { metrics: quick ? 3_000 : 15_000, traces: quick ? 1_500 : 10_000, es: quick ? 300 : 2_000 };
const DRAIN_TIMEOUT_MS = quick ? 120_000 : 400_000;
const PARTITIONS = 6;
const kafkaPort = Number(process.env.BENCH_KAFKA_PORT ?? 19392);
const prometheusPort = Number(process.env.BENCH_PROMETHEUS_PORT ?? 19390);
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const binaries = collectorBinaries();
const brokers = (await startKafka(kafkaPort)).split(',');
const prometheusUrl = await startService('prometheus', prometheusPort, 'PROMETHEUS_URL');
const esUrl = process.env.ES_URL ?? (await startService('elasticsearch', undefined, 'ES_URL'));
process.stderr.write(
  `collector-workers: Collector ${binaries.version}, Kafka ${brokers}, Prometheus ${prometheusUrl}, ES ${esUrl}\n`,
);

type Signal = 'metrics' | 'traces';
type CaseName =
  | 'otelgate metrics'
  | 'collector metrics'
  | 'collector metrics default'
  | 'otelgate traces debug'
  | 'collector traces nop'
  | 'otelgate traces es';
interface Sample {
  itemsPerSecond: number;
  cpuPerMillion: number;
  peakRssMiB: number;
  drainSeconds: number;
  /** Items the worker dropped on purpose (the Collector's default mode when its queue is full). */
  dropped: number;
  /** Items exported twice: messages delivered again after a rebalance or an uncommitted offset. */
  redelivered: number;
}
const samples = new Map<CaseName, Sample[]>();
const failures: string[] = [];

interface Worker {
  pid: number;
  exported(): Promise<number>;
  failed(): Promise<number>;
  /** Items the receiving side refused and therefore dropped (0 for otelgate: it retries). */
  refused(): Promise<number>;
  stop(): Promise<void>;
}

function newRun(): string {
  return `r${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
}

async function startOtelgate(
  signal: Signal,
  topic: string,
  runId: string,
  exporter: 'prometheus' | 'debug' | 'elasticsearch',
) {
  const exporters = {
    prometheus: { prometheus: { endpoint: `${prometheusUrl}/api/v1/write` } },
    debug: { debug: { verbosity: 'basic' } },
    elasticsearch: {
      elasticsearch: { nodes: [esUrl], indexPrefix: `bench-${runId}`, numberOfReplicas: 0, retentionDays: 0 },
    },
  }[exporter];
  const topics = { traces: `${runId}-idle-traces`, metrics: `${runId}-idle-metrics`, logs: `${runId}-idle-logs` };
  topics[signal] = topic;
  const gateway = await startGatewayProcess({
    config: {
      service: { role: 'process' },
      log: { level: 'warn' },
      buffer: {
        kafka: {
          brokers,
          topics,
          compression: 'none',
          consumer: { groupId: `g-${runId}` },
          autoCreateTopics: { partitions: PARTITIONS },
        },
      },
      exporters,
      pipelines: { [signal]: { processors: [], exporters: [exporter] } },
    },
    bundled: true,
    env: { LOG_LEVEL: 'warn' },
  });
  const metricsUrl = `${gateway.adminUrl}/metrics`;
  return {
    pid: gateway.child.pid!,
    exported: () => sumCounter(metricsUrl, 'otelgate_exporter_sent_items', { signal }),
    failed: () => sumCounter(metricsUrl, 'otelgate_exporter_failed_items', { signal }),
    refused: async () => 0,
    async stop() {
      await gateway.kill('SIGTERM');
      rmSync(gateway.dir, { recursive: true, force: true });
    },
  } satisfies Worker;
}

async function startOtelcol(
  signal: Signal,
  topic: string,
  runId: string,
  sink: WorkerSink,
  ackMode: WorkerAckMode = 'durable',
): Promise<Worker> {
  const ports = await collectorPorts();
  const config = kafkaToSinkConfig({ ports, brokers, signal, topic, groupId: `g-${runId}`, sink, ackMode });
  const collector = await startCollector(binaries.otelcol, ports, config);
  const unit = signal === 'metrics' ? 'metric_points' : 'spans';
  return {
    pid: collector.child.pid!,
    // The nop exporter keeps no counters; the kafka receiver counts what the pipeline accepted.
    exported: () =>
      sink.kind === 'nop'
        ? sumCounter(collector.metricsUrl, `otelcol_receiver_accepted_${unit}`, { receiver: 'kafka' })
        : sumCounter(collector.metricsUrl, `otelcol_exporter_sent_${unit}`),
    failed: () => sumCounter(collector.metricsUrl, `otelcol_exporter_send_failed_${unit}`),
    refused: () => sumCounter(collector.metricsUrl, `otelcol_receiver_refused_${unit}`, { receiver: 'kafka' }),
    async stop() {
      await collector.kill();
      rmSync(collector.dir, { recursive: true, force: true });
    },
  };
}

async function measure(name: CaseName, round: number): Promise<void> {
  const signal: Signal = name.includes('metrics') ? 'metrics' : 'traces';
  const runId = newRun();
  const topic = `bench-workers-${runId}`;
  const messages = name === 'otelgate traces es' ? MESSAGES.es : MESSAGES[signal];
  const expected = messages * (signal === 'metrics' ? POINTS_PER_MESSAGE : SPANS_PER_MESSAGE);
  const startMs = Date.now() - 20 * 60_000;
  const build = signal === 'metrics' ? metricsMessage : tracesMessage;
  await fillTopic(brokers, topic, PARTITIONS, messages, (index) => build(runId, index, startMs));

  const worker =
    name === 'otelgate metrics'
      ? await startOtelgate(signal, topic, runId, 'prometheus')
      : name === 'otelgate traces debug'
        ? await startOtelgate(signal, topic, runId, 'debug')
        : name === 'otelgate traces es'
          ? await startOtelgate(signal, topic, runId, 'elasticsearch')
          : name === 'collector metrics' || name === 'collector metrics default'
            ? await startOtelcol(
                signal,
                topic,
                runId,
                { kind: 'prometheusremotewrite', endpoint: `${prometheusUrl}/api/v1/write` },
                name === 'collector metrics' ? 'durable' : 'default',
              )
            : await startOtelcol(signal, topic, runId, { kind: 'nop' });
  const mayDrop = name === 'collector metrics default';
  // Timed from the moment the worker is up (it then joins its group and starts fetching: the
  // broker runs with group.initial.rebalance.delay.ms=0) to its last exported item. A worker
  // whose event loop is busy answers /metrics late, so only the end of the drain is observed.
  const ready = { at: performance.now(), cpu: cpuSeconds(worker.pid) };
  let count = 0;
  let dropped = 0;
  const deadline = ready.at + DRAIN_TIMEOUT_MS;
  try {
    while (performance.now() < deadline) {
      [count, dropped] = await Promise.all([worker.exported(), worker.refused()]);
      // Redelivered messages (at-least-once) count twice in the exporter's counter, so past
      // `expected` the drain is done only once the sink holds everything, where that can be read.
      if (count + dropped === expected) break;
      if (count + dropped > expected && (!name.endsWith('metrics') || (await promSamples(runId)) >= expected)) break;
      await sleep(100);
    }
    const end = { at: performance.now(), cpu: cpuSeconds(worker.pid) };
    const failedItems = await worker.failed();
    const peak = peakRssBytes(worker.pid) / 2 ** 20;
    if (dropped > 0 && !mayDrop) failures.push(`${name} round ${round + 1}: ${dropped} items refused (dropped)`);
    if (count + dropped < expected) {
      failures.push(`${name} round ${round + 1}: exported ${count} of ${expected} in ${DRAIN_TIMEOUT_MS} ms`);
      return;
    }
    if (failedItems > 0) failures.push(`${name} round ${round + 1}: exporter counted ${failedItems} failed items`);
    const seconds = (end.at - ready.at) / 1000;
    const sample: Sample = {
      itemsPerSecond: (expected - dropped) / seconds,
      cpuPerMillion: ((end.cpu - ready.cpu) / Math.max(1, expected - dropped)) * 1e6,
      peakRssMiB: peak,
      drainSeconds: seconds,
      dropped,
      redelivered: Math.max(0, count + dropped - expected),
    };
    samples.set(name, [...(samples.get(name) ?? []), sample]);
    process.stderr.write(
      `  round ${round + 1} ${name}: ${Math.round(sample.itemsPerSecond)} items/s, ${round3(sample.cpuPerMillion)} CPU-s/M, ${Math.round(peak)} MiB\n`,
    );
  } finally {
    await worker.stop();
  }
  await verifySink(name, runId, expected - (mayDrop ? dropped : 0), round);
  await deleteTopics(brokers, [topic]);
}

async function promSamples(runId: string): Promise<number> {
  return (await countSamples(prometheusUrl, metricNames(runId))).samples;
}

/** Counts what the sink holds where it can be read back; a missing item fails the run. */
async function verifySink(name: CaseName, runId: string, expected: number, round: number): Promise<void> {
  if (name.endsWith('metrics')) {
    // Remote write is acknowledged before the head is queryable only in rare cases; retry briefly.
    let found = { series: 0, samples: 0 };
    for (let attempt = 0; attempt < 10 && found.samples < expected; attempt++) {
      found = await countSamples(prometheusUrl, metricNames(runId));
      if (found.samples < expected) await sleep(500);
    }
    if (found.samples !== expected)
      failures.push(`${name} round ${round + 1}: Prometheus holds ${found.samples} samples of ${expected}`);
  } else if (name === 'otelgate traces es') {
    const pattern = `bench-${runId}-traces-*`;
    await fetch(`${esUrl}/${pattern}/_refresh`, { method: 'POST' });
    const body = (await (await fetch(`${esUrl}/${pattern}/_count`)).json()) as { count?: number };
    if (body.count !== expected)
      failures.push(`${name} round ${round + 1}: Elasticsearch holds ${body.count} spans of ${expected}`);
    await deleteIndices(pattern);
  }
}

async function deleteIndices(pattern: string): Promise<void> {
  const resolved = (await (await fetch(`${esUrl}/_resolve/index/${pattern}`)).json()) as {
    indices?: { name: string }[];
    data_streams?: { name: string }[];
  };
  for (const stream of resolved.data_streams ?? [])
    await fetch(`${esUrl}/_data_stream/${stream.name}`, { method: 'DELETE' });
  for (const index of resolved.indices ?? []) await fetch(`${esUrl}/${index.name}`, { method: 'DELETE' });
}

async function startService(name: string, port: number | undefined, key: string): Promise<string> {
  const script = fileURLToPath(new URL(`../../../test/services/${name}`, import.meta.url));
  const args = [script, 'start', ...(port ? ['--port', String(port)] : [])];
  const { stdout } = await run('bash', args, { timeout: 600_000 });
  const match = new RegExp(`^${key}=(.+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`${name} service printed no ${key} line: ${stdout}`);
  return match[1].trim();
}

for (let round = 0; round < rounds; round++) {
  // Alternate who goes first, so drift in the machine's load does not favour one side.
  const pairs: [CaseName, CaseName][] = [
    ['otelgate metrics', 'collector metrics'],
    ['otelgate traces debug', 'collector traces nop'],
  ];
  for (const pair of pairs) for (const name of round % 2 ? [...pair].reverse() : pair) await measure(name, round);
  await measure('otelgate traces es', round);
}
// Reference, full runs only: the Collector's defaults (mark first, in-memory queue), which drop
// what does not fit in the queue instead of slowing the consumer down.
if (!quick) await measure('collector metrics default', 0);

const rows: { case: string; figures: Record<string, number | string> }[] = [];
const summary = (name: CaseName, unit: string): Record<string, number> => {
  const list = samples.get(name) ?? [];
  const rates = list.map((s) => s.itemsPerSecond);
  return {
    [`${unit}_per_s`]: Math.round(median(rates)),
    [`${unit}_per_s_min`]: Math.round(Math.min(...rates)),
    [`${unit}_per_s_max`]: Math.round(Math.max(...rates)),
    [`cpu_s_per_million_${unit}`]: round3(median(list.map((s) => s.cpuPerMillion))),
    peak_rss_mib: round3(Math.max(...list.map((s) => s.peakRssMiB))),
    drain_s: round3(median(list.map((s) => s.drainSeconds))),
    dropped: list.reduce((sum, s) => sum + s.dropped, 0),
    redelivered: list.reduce((sum, s) => sum + s.redelivered, 0),
    runs: list.length,
  };
};
const ratio = (ours: Record<string, number>, theirs: Record<string, number>, unit: string) => ({
  [`${unit}_per_s`]: round3(ours[`${unit}_per_s`] / theirs[`${unit}_per_s`]),
  [`cpu_s_per_million_${unit}`]: round3(ours[`cpu_s_per_million_${unit}`] / theirs[`cpu_s_per_million_${unit}`]),
  peak_rss_mib: round3(ours.peak_rss_mib / theirs.peak_rss_mib),
});
const ogMetrics = summary('otelgate metrics', 'points');
const ocMetrics = summary('collector metrics', 'points');
rows.push({ case: 'otelgate process: Kafka → prometheus (remote write)', figures: ogMetrics });
rows.push({ case: 'collector: kafka receiver → prometheusremotewrite', figures: ocMetrics });
rows.push({ case: 'ratio otelgate/collector, metrics', figures: ratio(ogMetrics, ocMetrics, 'points') });
if (!quick)
  rows.push({
    case: 'collector defaults (mark before, queue; drops on overflow) → prometheusremotewrite',
    figures: summary('collector metrics default', 'points'),
  });
const ogDebug = summary('otelgate traces debug', 'spans');
const ocNop = summary('collector traces nop', 'spans');
rows.push({ case: 'otelgate process: Kafka → debug (consume + decode only)', figures: ogDebug });
rows.push({ case: 'collector: kafka receiver → nop (consume + decode only)', figures: ocNop });
rows.push({ case: 'ratio otelgate/collector, consume + decode', figures: ratio(ogDebug, ocNop, 'spans') });
rows.push({
  case: 'otelgate process: Kafka → elasticsearch (no Collector counterpart)',
  figures: summary('otelgate traces es', 'spans'),
});

process.stdout.write(
  `${JSON.stringify({ scenario: `collector-workers (Collector ${binaries.version})`, rows, failures })}\n`,
);
if (failures.length > 0) {
  process.stderr.write(`collector-workers: items missing or failed:\n  ${failures.join('\n  ')}\n`);
  process.exit(1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)];
}

function round3(value: number): number {
  return Number(value.toPrecision(3));
}
