// A worker (`--role process`, default processors geoip → redact → errors) draining a Kafka backlog
// of ≥ 2 M spans (100-span otlp_proto messages, 6 partitions) into the debug exporter and into
// Elasticsearch: spans/s, CPU-s per million spans and peak RSS, with the V8 flags the image ships
// for workers (docs/OPERATIONS.md, "Memory"). For comparison in the same run, the same drain as
// before the bound (process.maxItemsInFlight 100 M: every batch decoded whole; the flags workers
// shipped with then) and, with BENCH_WORKER_FLAGS="--flag ...", other V8 flags.
//   node loadtest/bench/scenarios/worker-drain.ts [--quick]
//   BENCH_WORKER_FLAGS="--max-old-space-size=192" BENCH_DRAIN_ONLY=extra node ... (that case alone)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startKafka } from '../../../test/kafka/kafka-service.ts';
import { shippedNodeFlags, startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { sumCounter } from '../../collector/accepted-spans.ts';
import { createTopic, deleteTopics } from '../../collector/create-topic.ts';
import { fillTopic } from '../../collector/fill-topic.ts';
import { SPANS_PER_MESSAGE, tracesMessage } from '../../collector/worker-payloads.ts';
import { cpuSeconds, peakRssBytes } from '../proc-sampler.ts';

const quick = process.argv.includes('--quick');
const MESSAGES = { debug: quick ? 3_000 : 24_000, elasticsearch: quick ? 1_000 : 20_000 };
const DRAIN_TIMEOUT_MS = quick ? 120_000 : 600_000;
const PARTITIONS = 6;
const kafkaPort = Number(process.env.BENCH_KAFKA_PORT ?? 19392);
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const brokers = (await startKafka(kafkaPort)).split(',');
const esUrl = process.env.ES_URL ?? (await startService('elasticsearch', 'ES_URL'));
const shipped = shippedNodeFlags('process');
const extraFlags = process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean);
process.stderr.write(`worker-drain: Kafka ${brokers}, ES ${esUrl}, worker flags ${shipped.join(' ')}\n`);

interface Case {
  name: string;
  exporter: 'debug' | 'elasticsearch';
  nodeFlags: string[];
  unbounded?: boolean;
  processors?: string[];
  /** buffer.kafka.consumer overrides. */
  consumer?: Record<string, unknown>;
  /** process section overrides (e.g. maxItemsInFlight). */
  process?: Record<string, unknown>;
}
// For the BENCH_WORKER_FLAGS case: BENCH_DRAIN_EXPORTER=elasticsearch, BENCH_DRAIN_CONSUMER='{"maxBufferedBytes":16777216}', BENCH_DRAIN_PROCESSORS=redact,errors.
const extraConsumer = process.env.BENCH_DRAIN_CONSUMER ? JSON.parse(process.env.BENCH_DRAIN_CONSUMER) : undefined;
const extraProcessors = process.env.BENCH_DRAIN_PROCESSORS?.split(',').filter(Boolean);
// process section overrides for that case, e.g. BENCH_DRAIN_PROCESS='{"maxItemsInFlight":16384}'.
const extraProcess = process.env.BENCH_DRAIN_PROCESS ? JSON.parse(process.env.BENCH_DRAIN_PROCESS) : undefined;
// Elasticsearch exporter overrides for every Elasticsearch case, e.g. BENCH_DRAIN_ES='{"maxDocsPerBulk":1000}'.
const esOverrides = process.env.BENCH_DRAIN_ES ? JSON.parse(process.env.BENCH_DRAIN_ES) : {};
const cases: Case[] = [
  { name: 'Kafka → debug, shipped flags', exporter: 'debug', nodeFlags: shipped },
  // As before the bound: whole batches decoded at once, with the flags workers shipped with then.
  {
    name: 'Kafka → debug, as before: whole batches, --max-semi-space-size=32',
    exporter: 'debug',
    nodeFlags: ['--max-semi-space-size=32'],
    unbounded: true,
  },
  ...(extraFlags
    ? [
        {
          name: `Kafka → ${process.env.BENCH_DRAIN_EXPORTER ?? 'debug'}, ${extraFlags.join(' ')}${extraConsumer ? ` ${JSON.stringify(extraConsumer)}` : ''}${extraProcessors ? ` processors ${extraProcessors}` : ''}${extraProcess ? ` process ${JSON.stringify(extraProcess)}` : ''}`,
          exporter: (process.env.BENCH_DRAIN_EXPORTER === 'elasticsearch'
            ? 'elasticsearch'
            : 'debug') as Case['exporter'],
          nodeFlags: extraFlags,
          consumer: extraConsumer,
          processors: extraProcessors,
          process: extraProcess,
        },
      ]
    : []),
  // The same drain without the geoip processor: what the GeoIP reader costs (~128 MiB until it
  // stopped holding the files whole; a few MiB since).
  {
    name: 'Kafka → debug, shipped flags, redact → errors (no GeoIP database loaded)',
    exporter: 'debug',
    nodeFlags: shipped,
    processors: ['redact', 'errors'],
  },
  { name: 'Kafka → elasticsearch, shipped flags', exporter: 'elasticsearch', nodeFlags: shipped },
];

const rows: { case: string; figures: Record<string, number | string> }[] = [];
const failures: string[] = [];
// BENCH_DRAIN_ONLY=extra measures only the BENCH_WORKER_FLAGS case (comparing flags by hand).
const only = process.env.BENCH_DRAIN_ONLY === 'extra' ? cases.filter((c) => c.nodeFlags === extraFlags) : cases;
for (const c of only) {
  const figures = await drain(c);
  if (figures) rows.push({ case: c.name, figures });
}
process.stdout.write(
  `${JSON.stringify({ scenario: 'worker drain (Kafka backlog, default processors)', rows, failures })}\n`,
);
if (failures.length > 0) {
  process.stderr.write(`worker-drain: ${failures.join('\n  ')}\n`);
  process.exit(1);
}

async function drain(c: Case): Promise<Record<string, number | string> | undefined> {
  const runId = `w${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const topic = `bench-drain-${runId}`;
  const messages = MESSAGES[c.exporter];
  const expected = messages * SPANS_PER_MESSAGE;
  const startMs = Date.now() - 20 * 60_000;
  await fillTopic(brokers, topic, PARTITIONS, messages, (index) => tracesMessage(runId, index, startMs));
  // The worker consumes every signal's topic; a worker in role process creates none.
  for (const idle of ['metrics', 'logs']) await createTopic(brokers, `${runId}-idle-${idle}`, 1);
  const exporters = {
    debug: { debug: { verbosity: 'basic' } },
    elasticsearch: {
      elasticsearch: {
        nodes: [esUrl],
        indexPrefix: `bench-${runId}`,
        numberOfReplicas: 0,
        retentionDays: 0,
        ...esOverrides,
      },
    },
  }[c.exporter];
  const gateway = await startGatewayProcess({
    config: {
      service: { role: 'process' },
      log: { level: 'warn' },
      buffer: {
        kafka: {
          brokers,
          topics: { traces: topic, metrics: `${runId}-idle-metrics`, logs: `${runId}-idle-logs` },
          compression: 'none',
          consumer: { groupId: `g-${runId}`, ...c.consumer },
          autoCreateTopics: { partitions: PARTITIONS },
        },
      },
      exporters,
      ...(c.processors ? { processors: Object.fromEntries(c.processors.map((id) => [id, {}])) } : {}),
      // No processors key: the default chain for traces (geoip, redact, errors). With processors
      // given, the logs pipeline gets them too, so its default geoip is not loaded either.
      pipelines: c.processors
        ? {
            traces: { exporters: [c.exporter], processors: c.processors },
            logs: { exporters: [c.exporter], processors: c.processors },
          }
        : { traces: { exporters: [c.exporter] } },
      ...(c.unbounded ? { process: { maxItemsInFlight: 100_000_000, maxBytesInFlight: 2 ** 31 } } : {}),
      ...(c.process ? { process: c.process } : {}),
    },
    bundled: true,
    nodeFlags: c.nodeFlags,
    env: { LOG_LEVEL: 'warn' },
  });
  const pid = gateway.child.pid!;
  const metricsUrl = `${gateway.adminUrl}/metrics`;
  const ready = { at: performance.now(), cpu: cpuSeconds(pid) };
  let count = 0;
  try {
    while (performance.now() - ready.at < DRAIN_TIMEOUT_MS && gateway.child.exitCode === null) {
      count = await sumCounter(metricsUrl, 'otelgate_exporter_sent_items', { signal: 'traces' }).catch(() => count);
      if (count >= expected) break;
      await sleep(100);
    }
    const end = { at: performance.now(), cpu: cpuSeconds(pid) };
    const peak = peakRssBytes(pid) / 2 ** 20;
    if (count < expected) {
      failures.push(`${c.name}: exported ${count} of ${expected} (exit ${gateway.child.exitCode})`);
      return undefined;
    }
    const seconds = (end.at - ready.at) / 1000;
    const figures = {
      spans: expected,
      spans_per_s: Math.round(expected / seconds),
      cpu_s_per_million_spans: round3(((end.cpu - ready.cpu) / expected) * 1e6),
      peak_rss_mib: round3(peak),
      drain_s: round3(seconds),
      redelivered: count - expected,
      flags: c.nodeFlags.join(' '),
    };
    process.stderr.write(`  ${c.name}: ${JSON.stringify(figures)}\n`);
    if (c.exporter === 'elasticsearch') await verifyEs(runId, expected, c.name);
    return figures;
  } finally {
    await gateway.kill('SIGTERM');
    rmSync(gateway.dir, { recursive: true, force: true });
    await deleteTopics(brokers, [topic, `${runId}-idle-metrics`, `${runId}-idle-logs`]);
  }
}

async function verifyEs(runId: string, expected: number, name: string): Promise<void> {
  const pattern = `bench-${runId}-traces-*`;
  await fetch(`${esUrl}/${pattern}/_refresh`, { method: 'POST' });
  const body = (await (await fetch(`${esUrl}/${pattern}/_count`)).json()) as { count?: number };
  if (body.count !== expected) failures.push(`${name}: Elasticsearch holds ${body.count} spans of ${expected}`);
  const resolved = (await (await fetch(`${esUrl}/_resolve/index/${pattern}`)).json()) as {
    indices?: { name: string }[];
    data_streams?: { name: string }[];
  };
  for (const stream of resolved.data_streams ?? [])
    await fetch(`${esUrl}/_data_stream/${stream.name}`, { method: 'DELETE' });
  for (const index of resolved.indices ?? []) await fetch(`${esUrl}/${index.name}`, { method: 'DELETE' });
}

async function startService(name: string, key: string): Promise<string> {
  const script = fileURLToPath(new URL(`../../../test/services/${name}`, import.meta.url));
  const { stdout } = await run('bash', [script, 'start'], { timeout: 600_000 });
  const match = new RegExp(`^${key}=(.+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`${name} service printed no ${key} line: ${stdout}`);
  return match[1].trim();
}

function round3(value: number): number {
  return Number(value.toPrecision(3));
}
