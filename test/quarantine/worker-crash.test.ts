// A record that kills the worker is quarantined, not retried forever (RELIABILITY #28): the
// worker dies twice on the same record (an injected fault: a test-only processor exits the process
// on a span named `exit-here`), the third start dead-letters it as `worker-crash` with its offset
// and delivers every other record; nothing acknowledged is lost. On the embedded log and on Kafka.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BufferEntry } from '@otelgate/pipelines/buffer/buffer.ts';
import { openEmbeddedLog } from '@otelgate/pipelines/buffer/embedded/open-embedded-log.ts';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { encodeTraces } from '@otelgate/pipelines/otlp/encode.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBrokers } from '../kafka/kafka-service.ts';
import { testKafkaConfig } from '../kafka/kafka-test-config.ts';
import { eventually, exportedSpans } from '../support/file-output.ts';

const WORKER = fileURLToPath(new URL('./fault-worker.ts', import.meta.url));
const NAMES = ['good-0', 'good-1', 'exit-here', 'good-3', 'good-4', 'good-5'];
const logger = pino({ level: 'silent' });
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otelgate-quarantine-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One record per name, each one span of that name (one partition: no key). Padded past the 4 KiB
 * under which the Kafka producer merges entries of one partition into one message.
 */
function entries(names = NAMES): BufferEntry[] {
  return names.map((name, i) => ({
    value: encodeTraces({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(5_000) } }],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeSpans: [
            {
              scope: { name: 'quarantine', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: `00000000000000${String(i).padStart(2, '0')}`,
                  traceState: '',
                  parentSpanId: '',
                  flags: 0,
                  name,
                  kind: 1,
                  startTimeUnixNano: 1n,
                  endTimeUnixNano: 2n,
                  attributes: [],
                  droppedAttributesCount: 0,
                  events: [],
                  droppedEventsCount: 0,
                  links: [],
                  droppedLinksCount: 0,
                  status: { code: 0, message: '' },
                },
              ],
            },
          ],
        },
      ],
    }),
    headers: {},
  }));
}

interface Run {
  child: ChildProcess;
  exited: Promise<number | null>;
}

function startWorker(options: Record<string, unknown>): Run {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function crashTwiceThenQuarantine(
  options: Record<string, unknown>,
  names = NAMES,
  poison = 'exit-here',
  death: number | string = 70,
): Promise<void> {
  const output = options.output as string;
  // Two starts, each dies on the record (the first with the batch in hand, the second with the record alone).
  for (const attempt of [1, 2]) {
    const run = startWorker(options);
    const ended = await Promise.race([
      run.exited.then((code) => code ?? run.child.signalCode),
      sleep(45_000).then(() => 'still running'),
    ]);
    expect(ended, `start ${attempt}`).toBe(death);
  }
  const third = startWorker(options);
  try {
    const delivered = await eventually(() => {
      const seen = new Set(exportedSpans(output).map((span) => span.name));
      return names.every((name) => name === poison || seen.has(name)) ? seen : undefined;
    }, 45_000);
    expect(delivered.has(poison)).toBe(false);
    expect(third.child.exitCode).toBeNull();
  } finally {
    third.child.kill('SIGTERM');
    await third.exited;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('a record that kills the worker', () => {
  it('is dead-lettered as worker-crash on the third start (embedded log); every other record is delivered', {
    timeout: 60_000,
  }, async () => {
    const embeddedDir = join(dir, 'embedded');
    const log = await openEmbeddedLog({ dir: embeddedDir }, { logger });
    await log.producer.append('traces', entries());
    await log.close();
    const output = join(dir, 'embedded-out.ndjson');
    await crashTwiceThenQuarantine({ embeddedDir, output, marksDir: join(dir, 'embedded-marks'), dataDir: dir });

    const reopened = await openEmbeddedLog({ dir: embeddedDir }, { logger });
    try {
      const letters = await reopened.deadLetters.list();
      expect(letters.map((l) => ({ stage: l.stage, offset: l.source.offset }))).toEqual([
        { stage: 'worker-crash', offset: 2n },
      ]);
      expect(letters[0].reason).toMatch(/offset 2\b.*last error: the process exited with code 70/);
    } finally {
      await reopened.close();
    }
  });

  it('is dead-lettered as worker-crash on the third start (Kafka); every other record is delivered', {
    timeout: 60_000,
  }, async () => {
    const kafka = testKafkaConfig(await sharedBrokers(), {
      autoCreateTopics: { enabled: true, partitions: 1, replicationFactor: 1 },
    });
    const buffer = openKafkaBuffer(kafka, { logger });
    try {
      await buffer.producer.append('traces', entries());
      const output = join(dir, 'kafka-out.ndjson');
      await crashTwiceThenQuarantine({ kafka, output, marksDir: join(dir, 'kafka-marks'), dataDir: dir });
      const letters = await buffer.deadLetters.list();
      expect(letters.map((l) => ({ stage: l.stage, offset: l.source.offset }))).toEqual([
        { stage: 'worker-crash', offset: 2n },
      ]);
      expect(letters[0].reason).toMatch(/offset 2\b.*last error: the process exited with code 70/);
    } finally {
      await buffer.close();
    }
  });

  it('that blocks the event loop is killed by the guard, then dead-lettered as worker-crash (embedded log)', {
    timeout: 60_000,
  }, async () => {
    const names = ['good-0', 'block-here', 'good-2'];
    const embeddedDir = join(dir, 'blocked');
    const log = await openEmbeddedLog({ dir: embeddedDir }, { logger });
    await log.producer.append('traces', entries(names));
    await log.close();
    const output = join(dir, 'blocked-out.ndjson');
    const options = { embeddedDir, output, marksDir: join(dir, 'blocked-marks'), dataDir: dir, hangTimeoutMs: 1_500 };
    await crashTwiceThenQuarantine(options, names, 'block-here', 'SIGKILL');

    const reopened = await openEmbeddedLog({ dir: embeddedDir }, { logger });
    try {
      const letters = await reopened.deadLetters.list();
      expect(letters.map((l) => ({ stage: l.stage, offset: l.source.offset }))).toEqual([
        { stage: 'worker-crash', offset: 1n },
      ]);
      expect(letters[0].reason).toMatch(/offset 1\b.*last error: the event loop was blocked for more than 1500 ms/);
    } finally {
      await reopened.close();
    }
  });
});
