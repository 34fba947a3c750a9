// A small record that decodes into millions of items (RELIABILITY #27) sent to a worker with a
// 256 MiB heap: it is delivered in slices, the worker never dies, and the records after it in the
// same partition are delivered. Whole, such a backlog takes 300 bytes of heap per empty span
// (600 MiB to 1.2 GiB here). On the embedded log and on Kafka; the buffer is filled directly, as
// any producer (a Collector's kafka exporter, a replayed dead letter) may write it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedLog } from '@otelgate/pipelines/buffer/embedded/open-embedded-log.ts';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { emptySpansRequest } from '@otelgate/pipelines/otlp/fixtures/empty-items.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumCounter } from '../../loadtest/collector/accepted-spans.ts';
import { sharedBrokers } from '../kafka/kafka-service.ts';
import { testKafkaConfig } from '../kafka/kafka-test-config.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const logger = pino({ level: 'silent' });
const HEAP = { NODE_OPTIONS: '--max-old-space-size=256', LOG_LEVEL: 'warn' };
const WORKER_CONFIG = {
  pipelines: { traces: { exporters: ['debug'] } },
  exporters: { debug: { verbosity: 'basic' } },
};
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otelgate-heavy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Waits until the debug exporter confirmed `spans` spans; the worker must stay up meanwhile. */
async function deliveredAll(worker: GatewayProcess, spans: number): Promise<void> {
  let exitCode: number | null | undefined;
  worker.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + 50_000;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`worker exited with ${exitCode}:\n${worker.output.slice(-20).join('\n')}`);
    const sent = await sumCounter(`${worker.adminUrl}/metrics`, 'otelgate_exporter_sent_items', {
      exporter: 'debug',
      signal: 'traces',
    }).catch(() => 0);
    if (sent >= spans) break;
    if (Date.now() > deadline) throw new Error(`${sent} of ${spans} spans delivered within 50 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const sent = await sumCounter(`${worker.adminUrl}/metrics`, 'otelgate_exporter_sent_items', { exporter: 'debug' });
  expect(sent).toBe(spans);
  const dead = await sumCounter(`${worker.adminUrl}/metrics`, 'otelgate_process_dead_lettered_records');
  expect(dead).toBe(0);
  expect(worker.child.exitCode).toBeNull();
}

describe('a record of millions of empty spans, worker heap capped at 256 MiB', () => {
  it('is delivered in slices on the embedded log, and the record after it too', { timeout: 60_000 }, async () => {
    const bufferDir = join(dir, 'embedded');
    const log = await openEmbeddedLog({ dir: bufferDir }, { logger });
    await log.producer.append('traces', [
      { value: emptySpansRequest(4_000_000), headers: {} },
      { value: emptySpansRequest(10, 'after-the-heavy-one'), headers: {} },
    ]);
    await log.close();
    const worker = await startGatewayProcess({
      config: { ...WORKER_CONFIG, buffer: { embedded: { dir: bufferDir } } },
      env: HEAP,
    });
    try {
      await deliveredAll(worker, 4_000_010);
    } finally {
      await worker.kill('SIGTERM');
    }
  });

  it('is delivered in slices from Kafka, and the records after it too', { timeout: 60_000 }, async () => {
    const kafka = testKafkaConfig(await sharedBrokers(), {
      autoCreateTopics: { enabled: true, partitions: 1, replicationFactor: 1 },
    });
    const buffer = openKafkaBuffer(kafka, { logger });
    try {
      // Four messages of 500,000 empty spans (about 1 MB each, the broker's limit): one batch of the consumer.
      const heavy = emptySpansRequest(500_000);
      await buffer.producer.append(
        'traces',
        Array.from({ length: 4 }, () => ({ value: heavy, headers: {} })),
      );
      await buffer.producer.append('traces', [{ value: emptySpansRequest(10, 'after-the-heavy-ones'), headers: {} }]);
      const worker = await startGatewayProcess({
        config: { ...WORKER_CONFIG, buffer: { kafka }, service: { role: 'process' } },
        env: HEAP,
      });
      try {
        await deliveredAll(worker, 2_000_010);
      } finally {
        await worker.kill('SIGTERM');
      }
    } finally {
      await buffer.close();
    }
  });
});
