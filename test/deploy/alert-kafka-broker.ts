// The Kafka fault of the alert latency test: dedicated Kafka nodes (test/services/kafka on their
// own ports and state, never the shared broker) running the Prometheus JMX exporter agent, which
// the stack's Prometheus scrapes as job kafka. kafka_exporter, what docker-compose.yml scrapes as
// job kafka, is neither in Debian nor on the Go module proxy here; the agent's `up` is what
// KafkaBrokersDown reads in this setup (docs/OPERATIONS.md, "Critical alert latency").
//
// Starting a node takes 10-20 s, so nodes are pooled per stack: a target takes a free node
// (restarting it when a fault killed it) and gives it back when stopped. The blip runs beside the
// first round, so a run uses two nodes.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ClosableTcpProxy } from '../support/closable-tcp-proxy.ts';
import type { FaultTarget } from './alert-faults.ts';
import type { AlertLatencyStack } from './alert-latency-stack.ts';
import { repoPath } from './deploy-paths.ts';
import { instantQuery } from './prometheus-service.ts';
import { runTool } from './run-tool.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive free ports, below Linux's ephemeral range (32768 and up): a
 * node killed and restarted must find its ports again, and an outgoing connection of any process
 * on the machine may take an ephemeral port meanwhile.
 */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

class FaultKafkaNode {
  inUse = true;
  readonly port: number;
  readonly metricsPort: number;
  private readonly stateRoot: string;

  private constructor(port: number, metricsPort: number, stateRoot: string) {
    this.port = port;
    this.metricsPort = metricsPort;
    this.stateRoot = stateRoot;
  }

  static async create(stack: AlertLatencyStack): Promise<FaultKafkaNode> {
    // The node's four listeners, then its agent.
    const base = await freePortRun(5);
    return new FaultKafkaNode(base, base + 4, stack.dir);
  }

  private script(command: 'start' | 'reset') {
    return runTool(
      'bash',
      [
        repoPath('test/services/kafka'),
        command,
        '--port',
        String(this.port),
        '--jmx-exporter',
        String(this.metricsPort),
      ],
      { env: { ...process.env, KAFKA_STATE_ROOT: this.stateRoot }, timeoutMs: 240_000 },
    );
  }

  /** Starts the node, or restarts it after a kill; resolves once Kafka serves. */
  async start(): Promise<void> {
    const result = await this.script('start');
    if (result.code !== 0) throw new Error(`test/services/kafka start --port ${this.port}: ${result.stderr}`);
  }

  /** Signals the node's JVM (SIGKILL, SIGSTOP, SIGCONT); a node already gone is left alone. */
  signal(signal: NodeJS.Signals): void {
    const pid = Number(readFileSync(join(this.stateRoot, `otelgate-kafka-${this.port}`, 'broker.pid'), 'utf8'));
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  async reset(): Promise<void> {
    // A node left stopped by a blip that did not finish would hold its SIGTERM until continued.
    try {
      this.signal('SIGCONT');
    } catch {
      // Never launched: no pid file.
    }
    await this.script('reset');
  }
}

/** When Prometheus will next scrape the series `up` (ms since the epoch): its last scrape plus their spacing. */
async function nextScrape(stack: AlertLatencyStack, up: string): Promise<number> {
  const result = await instantQuery(stack.prometheusUrl, `${up}[15s]`);
  const samples = (result.data?.result[0] as { values: [number, string][] } | undefined)?.values ?? [];
  if (samples.length < 2) throw new Error(`no two recent scrapes of ${up}`);
  const [previous, last] = samples.slice(-2).map(([seconds]) => seconds * 1000);
  let next = last + (last - previous);
  while (next - 1_000 < Date.now()) next += last - previous;
  return next;
}

const pools = new WeakMap<AlertLatencyStack, FaultKafkaNode[]>();

async function takeNode(stack: AlertLatencyStack): Promise<FaultKafkaNode> {
  let pool = pools.get(stack);
  if (!pool) {
    const nodes: FaultKafkaNode[] = [];
    pool = nodes;
    pools.set(stack, nodes);
    stack.onStop(async () => {
      await Promise.all(nodes.map((node) => node.reset().catch(() => undefined)));
    });
  }
  // Taken before the first await, so that targets started together get different nodes.
  let node = pool.find((candidate) => !candidate.inUse);
  if (node) node.inUse = true;
  else {
    node = await FaultKafkaNode.create(stack);
    pool.push(node);
  }
  return node;
}

/**
 * Starts the node (or restarts it after a kill) and resolves once Kafka serves; `onAgent` runs
 * as soon as its agent answers, ~10 s earlier, so that Prometheus can take its healthy scrapes
 * meanwhile. Nothing is scraped before: a target failing its first scrapes would page.
 */
async function startNode(node: FaultKafkaNode, onAgent: () => Promise<void>): Promise<void> {
  const starting = node.start();
  const settled = starting.then(
    () => true,
    () => true,
  );
  const agentAnswers = () =>
    fetch(`http://127.0.0.1:${node.metricsPort}/metrics`).then(
      (response) => response.ok,
      () => false,
    );
  while (!(await agentAnswers())) {
    if (await Promise.race([settled, sleep(200).then(() => false)])) break;
  }
  await onAgent();
  await starting;
}

/** A TCP proxy to `port`; again on EADDRINUSE (another target started at once took the same free port). */
async function proxyTo(port: number): Promise<ClosableTcpProxy> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ClosableTcpProxy.start('127.0.0.1', port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw error;
    }
  }
}

/**
 * A dedicated Kafka node scraped as job kafka through a fresh TCP proxy (its own instance label,
 * so its own Alertmanager group). The fault kills the JVM (SIGKILL, as a crash or an OOM kill).
 * The blip stops it for `ms` (SIGSTOP, then SIGCONT): Kafka and its agent are both unreachable
 * for exactly that long, as in a long GC pause or a frozen VM. A kill and restart is no 5 s blip:
 * the agent answers again ~2 s after the JVM starts, Kafka itself ~15 s later. A frozen agent
 * fails a scrape only by its 3 s timeout, so a scrape starting in the last 3 s of the stop
 * succeeds late; the stop begins 0.5 s before a scrape, so that Prometheus sees it every time.
 */
export async function kafkaBrokerTarget(stack: AlertLatencyStack): Promise<FaultTarget> {
  const node = await takeNode(stack);
  const proxy = await proxyTo(node.metricsPort);
  let released = false;
  const release = async () => {
    stack.removeTarget('kafka', proxy.address);
    await proxy.close();
    if (!released) node.inUse = false;
    released = true;
  };
  await startNode(node, async () => stack.addTarget('kafka', proxy.address)).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  return {
    kind: 'kafka',
    instance: proxy.address,
    health: `up{job="kafka", instance="${proxy.address}"}`,
    fault: async () => node.signal('SIGKILL'),
    async blip(ms) {
      await sleep((await nextScrape(stack, `up{job="kafka", instance="${proxy.address}"}`)) - 500 - Date.now());
      node.signal('SIGSTOP');
      await sleep(ms);
      node.signal('SIGCONT');
    },
    stop: release,
  };
}
