// Delivery oracle for workers: a worker SIGKILLed at random instants, many rounds, while
// records keep arriving; every acknowledged id must reach the "exporter" (the worker's output
// file) at least once.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/file-output.ts';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const ROUNDS = Number(process.env.OTELGATE_CHAOS_ROUNDS ?? 20);
const worker = fileURLToPath(new URL('./chaos-worker.ts', import.meta.url));
const logger = pino({ level: 'silent' });
let brokers: string[];
let dir: string;

beforeAll(async () => {
  brokers = await sharedBrokers();
  dir = mkdtempSync(join(tmpdir(), 'otelgate-kafka-chaos-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function delivered(file: string): Set<string> {
  if (!existsSync(file)) return new Set();
  return new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
}

describe('Kafka worker killed with SIGKILL', () => {
  it(
    `delivers every acknowledged id at least once across ${ROUNDS} kills at random instants`,
    async () => {
      const config = testKafkaConfig(brokers, {
        autoCreateTopics: { enabled: true, partitions: 3, replicationFactor: 1 },
        consumer: { instanceId: 'chaos-worker-1', maxBatchRecords: 20 },
      });
      const buffer = openKafkaBuffer(config, { logger });
      const output = join(dir, 'delivered.txt');
      const acked: string[] = [];
      let producing = true;
      const load = (async () => {
        for (let i = 0; producing; i++) {
          const ids = Array.from({ length: 20 }, (_, j) => `id-${i * 20 + j}`);
          await buffer.producer.append(
            'traces',
            ids.map((id) => ({ key: Buffer.from(id), value: Buffer.from(id), headers: { id } })),
          );
          acked.push(...ids);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();

      const start = (): ChildProcess =>
        spawn(process.execPath, [worker, JSON.stringify(config), output], { stdio: ['ignore', 'ignore', 'inherit'] });
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const before = delivered(output).size;
          const child = start();
          // Kill it once it is delivering, at a random instant after that.
          await eventually(() => delivered(output).size > before, 60_000, 20);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        }
        producing = false;
        await load;
        const last = start();
        try {
          await eventually(
            () => {
              const seen = delivered(output);
              return acked.every((id) => seen.has(id));
            },
            90_000,
            200,
          );
        } finally {
          last.kill('SIGTERM');
        }
        const seen = delivered(output);
        expect(acked.filter((id) => !seen.has(id))).toEqual([]);
        expect(acked.length).toBeGreaterThan(ROUNDS * 20);
      } finally {
        producing = false;
        await load.catch(() => {});
        await buffer.close();
      }
    },
    120_000 + ROUNDS * 10_000,
  );
});
