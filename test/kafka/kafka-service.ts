// Starts and stops Kafka nodes through the project's service script (test/services/kafka),
// for suites and benchmarks. The shared node is the one global-setup started (KAFKA_BROKERS);
// destructive tests start their own node on another port.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../services/kafka', import.meta.url));

/** Starts (or finds) the node on `port` and returns its env lines (KAFKA_BROKERS, KAFKA_TLS_CA_FILE). */
async function startKafkaNode(port: number): Promise<Record<string, string>> {
  const { stdout } = await run('bash', [script, 'start', '--port', String(port)], {
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const env: Record<string, string> = {};
  for (const match of stdout.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)) env[match[1]] = match[2].trim();
  if (!env.KAFKA_BROKERS) throw new Error(`kafka service printed no KAFKA_BROKERS line: ${stdout}`);
  return env;
}

/** Starts (or finds) the node on `port` and returns its bootstrap address. */
export async function startKafka(port = 19092): Promise<string> {
  return (await startKafkaNode(port)).KAFKA_BROKERS;
}

export async function stopKafka(port: number): Promise<void> {
  await run('bash', [script, 'stop', '--port', String(port)], { timeout: 120_000 });
}

/** Stops the node on `port` and deletes its data. */
export async function resetKafka(port: number): Promise<void> {
  await run('bash', [script, 'reset', '--port', String(port)], { timeout: 120_000 });
}

/** The shared node: KAFKA_BROKERS from global-setup, else started here. */
export async function sharedBrokers(): Promise<string[]> {
  const brokers = process.env.KAFKA_BROKERS ?? (await startKafka());
  return brokers.split(',');
}

/** A name no other test or run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The node's SASL_PLAINTEXT listener (test/services/kafka: port + 2, user `otelgate`). */
export const KAFKA_SASL_USER = { username: 'otelgate', password: 'otelgate-secret' };
export function saslBrokers(brokers: string[]): string[] {
  return listenerBrokers(brokers, 2);
}

/** The same nodes' listener `offset` ports above the plaintext one. */
function listenerBrokers(brokers: string[], offset: number): string[] {
  return brokers.map((broker) => {
    const [host, port] = broker.split(':');
    return `${host}:${Number(port) + offset}`;
  });
}

/**
 * The shared node's SSL listener (test/services/kafka: port + 3) and the PEM file of the test CA
 * that signed its certificate (KAFKA_TLS_CA_FILE, printed by the script).
 */
export async function sharedTls(): Promise<{ brokers: string[]; caFile: string }> {
  const env =
    process.env.KAFKA_BROKERS && process.env.KAFKA_TLS_CA_FILE
      ? { KAFKA_BROKERS: process.env.KAFKA_BROKERS, KAFKA_TLS_CA_FILE: process.env.KAFKA_TLS_CA_FILE }
      : await startKafkaNode(Number(process.env.KAFKA_BROKERS?.split(':')[1] ?? 19092));
  return { brokers: listenerBrokers(env.KAFKA_BROKERS.split(','), 3), caFile: env.KAFKA_TLS_CA_FILE };
}

/** A free port with the three after it free too (broker, controller, SASL and SSL listeners). */
export function freePortPair(): Promise<number> {
  return freePortRun(4);
}

/** The first of `count` consecutive ports where nothing listens right now. */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000) * 4;
    let free = true;
    for (let i = 0; i < count && free; i++) free = await portFree(port + i);
    if (free) return port;
  }
  throw new Error(`no ${count} free consecutive ports for Kafka`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A Kafka node of its own for tests that stop and restart the broker. */
export interface PrivateKafka {
  port: number;
  brokers: string[];
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

export async function startPrivateKafka(): Promise<PrivateKafka> {
  const port = await freePortPair();
  const brokers = (await startKafka(port)).split(',');
  return {
    port,
    brokers,
    stop: () => stopKafka(port),
    start: async () => {
      await startKafka(port);
    },
    remove: () => resetKafka(port),
  };
}
