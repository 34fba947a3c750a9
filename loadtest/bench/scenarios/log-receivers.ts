// filelog and syslog throughput, otelgate side by side with the Collector's filelog and syslog
// receivers (built by loadtest/collector/build-collector.sh), in one run, alternating who goes first.
// Both deliver to the same Kafka (acks=all, otlp_proto, no batch processor, no sending queue):
// otelgate `--role ingest` on buffer.kafka, the Collector receiver -> kafka exporter.
//
// filelog: a file of N 200-byte lines is hard-linked into the watched folder of an idle process;
// done when the process counts N accepted records. syslog: N 200-byte RFC 5424 messages over one
// TCP connection, newline-framed, as fast as the receiver reads them. Per phase: lines/s (wall),
// CPU-s per million lines and lines per CPU-second of the receiving process, peak RSS (VmHWM reset
// before the phase). `--quick` sends 200,000 lines once; the full run 1,000,000, 3 rounds.
// `--memory` also samples otelgate's process.memoryUsage() every 20 ms (an --import'ed timer)
// and prints the peak of each part per phase; `--only otelgate` leaves the Collector out;
// `--filelog '{json}'`, `--syslog '{json}'` add options to otelgate's receivers (to compare settings);
// `--cpu-prof <dir>` has otelgate write a CPU profile there (node --cpu-prof) when it stops;
// `--receivers filelog` (or `syslog`) measures only that receiver. Each round also measures the
// Node floor (log-floor-server.mjs: reads and counts the same lines, nothing else), for scale.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startKafka, uniqueName } from '../../../test/kafka/kafka-service.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { shippedNodeFlags, startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { sumCounter } from '../../collector/accepted-spans.ts';
import { collectorBinaries } from '../../collector/collector-binaries.ts';
import { collectorPorts, startCollector } from '../../collector/collector-process.ts';
import { createTopic, deleteTopics } from '../../collector/create-topic.ts';
import { cpuSeconds, peakRssBytes, resetPeakRss, rssBytes } from '../proc-sampler.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    lines: { type: 'string' },
    rounds: { type: 'string' },
    memory: { type: 'boolean', default: false },
    only: { type: 'string' },
    filelog: { type: 'string' },
    syslog: { type: 'string' },
    'cpu-prof': { type: 'string' },
    receivers: { type: 'string', default: 'filelog,syslog' },
  },
});
const LINES = Number(values.lines ?? (values.quick ? 200_000 : 1_000_000));
const ROUNDS = Number(values.rounds ?? (values.quick ? 1 : 3));
const LINE_BYTES = 200;
const RECEIVERS = (['filelog', 'syslog'] as const).filter((name) => values.receivers.split(',').includes(name));
const PARTITIONS = 6;
const kafkaPort = Number(process.env.BENCH_KAFKA_PORT ?? 19392);

const binaries = collectorBinaries();
const brokers = (await startKafka(kafkaPort)).split(',');
const work = mkdtempSync(join(tmpdir(), 'otelgate-bench-logs-'));
process.stderr.write(
  `log-receivers: Collector ${binaries.version}, Kafka ${brokers}, ${LINES} lines × ${ROUNDS} rounds\n`,
);

/** Exactly LINE_BYTES bytes with the newline: a unique, timestamped, plain application line. */
function fileLine(n: number): string {
  const head = `2026-12-04T12:00:00.${String(n % 1000).padStart(3, '0')}Z INFO bench-app request ${n} served `;
  return `${head.padEnd(LINE_BYTES - 1, 'x')}\n`;
}

function syslogLine(n: number): string {
  const head = `<165>1 2026-12-04T12:00:00.${String(n % 1000).padStart(3, '0')}Z bench-host bench-app ${n % 65536} ID47 - request ${n} served `;
  return `${head.padEnd(LINE_BYTES - 1, 'x')}\n`;
}

const prepared = join(work, 'prepared.log');
{
  const chunks: string[] = [];
  for (let n = 0; n < LINES; n++) chunks.push(fileLine(n));
  writeFileSync(prepared, chunks.join(''));
}

/** Appends `time rss heapTotal heapUsed external arrayBuffers` to $BENCH_MEMORY_SAMPLES every 20 ms. */
const SAMPLER = `data:text/javascript,${encodeURIComponent(
  "import { appendFileSync } from 'node:fs'; const file = process.env.BENCH_MEMORY_SAMPLES; setInterval(() => { const m = process.memoryUsage(); appendFileSync(file, `${Date.now()} ${m.rss} ${m.heapTotal} ${m.heapUsed} ${m.external} ${m.arrayBuffers}\\n`); }, 20).unref();",
)}`;

interface Target {
  name: string;
  pid: number;
  /** Where the memory sampler writes (otelgate with --memory). */
  samples?: string;
  watchDir: string;
  syslogPort: number;
  accepted(receiver: 'filelog' | 'syslog'): Promise<number>;
  stop(): Promise<void>;
}

async function startOtelgate(): Promise<Target> {
  const topic = uniqueName('bench-otelgate-logs');
  const watchDir = mkdtempSync(join(work, 'otelgate-'));
  const syslogPort = await freePort();
  const samples = values.memory ? join(watchDir, 'memory-samples') : undefined;
  const gateway = await startGatewayProcess({
    config: {
      service: { role: 'ingest' },
      log: { level: 'warn' },
      receivers: {
        filelog: {
          include: [`${watchDir}/*.log`],
          startAt: 'beginning',
          storageDir: join(watchDir, '.state'),
          ...JSON.parse(values.filelog ?? '{}'),
        },
        syslog: {
          tcp: { endpoint: `127.0.0.1:${syslogPort}` },
          protocol: 'rfc5424',
          ...JSON.parse(values.syslog ?? '{}'),
        },
      },
      buffer: {
        kafka: {
          brokers,
          topics: { logs: topic },
          compression: 'none', // the Collector's kafka exporter default
          autoCreateTopics: { partitions: PARTITIONS },
        },
      },
    },
    bundled: true,
    nodeFlags:
      samples || values['cpu-prof']
        ? [
            ...shippedNodeFlags('ingest'),
            ...(samples ? ['--import', SAMPLER] : []),
            ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
          ]
        : undefined,
    env: { LOG_LEVEL: 'warn', ...(samples ? { BENCH_MEMORY_SAMPLES: samples } : {}) },
  });
  return {
    name: 'otelgate',
    pid: gateway.child.pid!,
    samples,
    watchDir,
    syslogPort,
    accepted: (receiver) =>
      sumCounter(`${gateway.adminUrl}/metrics`, 'otelgate_receiver_accepted_items', {
        signal: 'logs',
        transport: receiver,
      }),
    async stop() {
      await gateway.kill('SIGTERM');
      rmSync(gateway.dir, { recursive: true, force: true });
      await deleteTopics(brokers, [topic]);
    },
  };
}

async function startOtelcol(): Promise<Target> {
  const watchDir = mkdtempSync(join(work, 'otelcol-'));
  const syslogPort = await freePort();
  const ports = await collectorPorts();
  const topic = uniqueName('bench-otelcol-logs');
  await createTopic(brokers, topic, PARTITIONS);
  const config = stringify({
    receivers: {
      // Only so startCollector sees the process is up (it waits for the OTLP ports); nothing is sent to it.
      otlp: {
        protocols: {
          grpc: { endpoint: `127.0.0.1:${ports.grpc}` },
          http: { endpoint: `127.0.0.1:${ports.http}` },
        },
      },
      filelog: { include: [`${watchDir}/*.log`], start_at: 'beginning' },
      syslog: { tcp: { listen_address: `127.0.0.1:${syslogPort}` }, protocol: 'rfc5424' },
    },
    exporters: {
      kafka: {
        brokers,
        logs: { topic, encoding: 'otlp_proto' },
        producer: { required_acks: -1, compression: 'none' },
        sending_queue: { enabled: false },
      },
    },
    service: {
      telemetry: {
        logs: { level: 'warn' },
        metrics: {
          level: 'basic',
          readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: ports.metrics } } } }],
        },
      },
      pipelines: { logs: { receivers: ['otlp', 'filelog', 'syslog'], processors: [], exporters: ['kafka'] } },
    },
  });
  const collector = await startCollector(binaries.otelcol, ports, config);
  return {
    name: 'collector',
    pid: collector.child.pid!,
    watchDir,
    syslogPort,
    accepted: (receiver) => sumCounter(collector.metricsUrl, 'otelcol_receiver_accepted_log_records', { receiver }),
    async stop() {
      await collector.kill();
      rmSync(collector.dir, { recursive: true, force: true });
      await deleteTopics(brokers, [topic]);
    },
  };
}

/**
 * The Node floor: a Node process (ingest's shipped V8 flags) that only reads the file and the TCP
 * lines and counts them (loadtest/collector/log-floor-server.mjs). Its peak RSS is the least a
 * log receiver written for Node holds here, whatever it does with the lines.
 */
async function startNodeFloor(): Promise<Target> {
  const watchDir = mkdtempSync(join(work, 'floor-'));
  const syslogPort = await freePort();
  const server = fileURLToPath(new URL('../../collector/log-floor-server.mjs', import.meta.url));
  const child = spawn(process.execPath, [...shippedNodeFlags('ingest'), server, watchDir, String(syslogPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const counts = { filelog: 0, syslog: 0 };
  let ready = false;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) {
      const [name, count] = line.split(' ');
      if (name === 'ready') ready = true;
      if (name === 'filelog' || name === 'syslog') counts[name] = Number(count);
    }
  });
  while (!ready) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    name: 'node floor',
    pid: child.pid!,
    watchDir,
    syslogPort,
    accepted: async (receiver) => counts[receiver],
    async stop() {
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

async function untilAccepted(target: Target, receiver: 'filelog' | 'syslog', count: number): Promise<void> {
  const deadline = Date.now() + 600_000;
  while ((await target.accepted(receiver)) < count) {
    if (Date.now() > deadline) throw new Error(`${target.name} ${receiver}: not all ${count} lines accepted in 10 min`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends LINES syslog messages over one connection, waiting for the socket to drain (backpressure). */
async function sendSyslog(port: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const PER_CHUNK = 2048;
  for (let n = 0; n < LINES; n += PER_CHUNK) {
    let chunk = '';
    for (let i = n; i < Math.min(LINES, n + PER_CHUNK); i++) chunk += syslogLine(i);
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

interface Figures {
  lines_per_s: number;
  cpu_s_per_million: number;
  lines_per_cpu_s: number;
  peak_rss_mib: number;
  /** RSS when the phase started (idle). */
  idle_rss_mib: number;
}

async function measure(target: Target, receiver: 'filelog' | 'syslog'): Promise<Figures> {
  await new Promise((resolve) => setTimeout(resolve, 1500)); // idle: start-up work done
  const before = await target.accepted(receiver);
  resetPeakRss(target.pid);
  const idleRss = rssBytes(target.pid);
  const from = Date.now();
  const cpuBefore = cpuSeconds(target.pid);
  const started = performance.now();
  if (receiver === 'filelog') linkSync(prepared, join(target.watchDir, 'app.log'));
  else await sendSyslog(target.syslogPort);
  await untilAccepted(target, receiver, before + LINES);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  return {
    lines_per_s: Math.round(LINES / seconds),
    cpu_s_per_million: round((cpu / LINES) * 1e6),
    lines_per_cpu_s: Math.round(LINES / cpu),
    peak_rss_mib: round(peakRssBytes(target.pid) / 2 ** 20),
    idle_rss_mib: round(idleRss / 2 ** 20),
    ...(target.samples ? memoryPeaks(target.samples, from) : {}),
  };
}

/** The highest value of each process.memoryUsage() part sampled since `from`, in MiB. */
function memoryPeaks(path: string, from: number): Record<string, number> {
  const names = ['rss', 'heap_total', 'heap_used', 'external', 'array_buffers'];
  const peaks = new Array<number>(names.length).fill(0);
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const fields = line.split(' ').map(Number);
      if (fields.length !== 6 || fields[0] < from) continue;
      for (let i = 0; i < names.length; i++) peaks[i] = Math.max(peaks[i], fields[i + 1]);
    }
  }
  return Object.fromEntries(names.map((name, i) => [`sampled_${name}_mib`, round(peaks[i] / 2 ** 20)]));
}

const samples = new Map<string, Figures[]>();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? [startOtelgate, startOtelcol] : [startOtelcol, startOtelgate];
  for (const start of [...order, startNodeFloor]) {
    if (values.only === 'otelgate' && start !== startOtelgate) continue;
    const target = await start();
    try {
      for (const receiver of RECEIVERS) {
        const figures = await measure(target, receiver);
        process.stderr.write(`  round ${round + 1} ${target.name} ${receiver}: ${JSON.stringify(figures)}\n`);
        const key = `${target.name} ${receiver}`;
        samples.set(key, [...(samples.get(key) ?? []), figures]);
      }
    } finally {
      await target.stop();
    }
  }
}

const rows: { case: string; figures: Record<string, number | string> }[] = [];
for (const receiver of RECEIVERS) {
  const ours = medians(samples.get(`otelgate ${receiver}`) ?? []);
  const theirs = medians(samples.get(`collector ${receiver}`) ?? []);
  rows.push({ case: `${receiver} → Kafka: otelgate`, figures: { ...ours } });
  rows.push({ case: `${receiver} → Kafka: collector`, figures: { ...theirs } });
  const cpuRatio = round(ours.lines_per_cpu_s / theirs.lines_per_cpu_s);
  const rssRatio = round(ours.peak_rss_mib / theirs.peak_rss_mib);
  const missed = [
    ...(cpuRatio < 1.5 ? ['lines per CPU-s >= 1.5x'] : []),
    ...(rssRatio > 1.5 ? ['peak RSS <= 1.5x'] : []),
  ];
  rows.push({
    case: `${receiver} ratio otelgate/collector`,
    figures: {
      lines_per_s: round(ours.lines_per_s / theirs.lines_per_s),
      lines_per_cpu_s: cpuRatio,
      peak_rss: rssRatio,
      targets: missed.length === 0 ? 'all met' : `missed: ${missed.join(', ')}`,
    },
  });
  const floor = samples.get(`node floor ${receiver}`);
  if (floor) {
    const floorFigures = medians(floor);
    rows.push({ case: `${receiver}: node floor (reads and counts lines only)`, figures: { ...floorFigures } });
    rows.push({
      case: `${receiver} peak RSS ratios`,
      figures: {
        node_floor_to_collector: round(floorFigures.peak_rss_mib / theirs.peak_rss_mib),
        otelgate_to_node_floor: round(ours.peak_rss_mib / floorFigures.peak_rss_mib),
      },
    });
  }
}
rmSync(work, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ scenario: `log-receivers (Collector ${binaries.version}, ${LINES} lines of ${LINE_BYTES} B, median of ${ROUNDS})`, rows })}\n`,
);

function medians(list: Figures[]): Figures {
  const median = (pick: (f: Figures) => number) => {
    const sorted = list.map(pick).sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)];
  };
  return {
    lines_per_s: median((f) => f.lines_per_s),
    cpu_s_per_million: median((f) => f.cpu_s_per_million),
    lines_per_cpu_s: median((f) => f.lines_per_cpu_s),
    peak_rss_mib: median((f) => f.peak_rss_mib),
    idle_rss_mib: median((f) => f.idle_rss_mib),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(3));
}
