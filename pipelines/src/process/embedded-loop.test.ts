// The process loop on the real embedded log: what is appended arrives in the file exporter's
// output, poison records land in the dead-letter log, and offsets move only past what was delivered.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferHeader } from '../buffer/buffer.ts';
import { type EmbeddedLog, openEmbeddedLog } from '../buffer/embedded/open-embedded-log.ts';
import type { Exporter, ExportItem, ExportResult } from '../components/component.ts';
import type { ExporterFactory } from '../components/factory.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import { fileExporterConfigSchema } from '../exporters/file/config.ts';
import { FileExporter } from '../exporters/file/file-exporter.ts';
import type { Signal } from '../model/common.ts';
import { encodeExportRequest, parseOtlpJson, toOtlpJson } from '../otlp/index.ts';
import type { TracesData } from '../model/traces.ts';
import { buildPipelineGraph } from './pipeline-graph.ts';
import { type ProcessLoop, startProcessLoop } from './process-loop.ts';

const logger = pino({ level: 'silent' });

function tracesRequest(service: string, spans: string[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'test', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: spans.map((name, index) => ({
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: `eee19b7ec3c1b17${index}`,
              traceState: '',
              parentSpanId: '',
              flags: 0,
              name,
              kind: 2,
              startTimeUnixNano: 1_700_000_000_000_000_000n,
              endTimeUnixNano: 1_700_000_000_100_000_000n,
              attributes: [],
              droppedAttributesCount: 0,
              events: [],
              droppedEventsCount: 0,
              links: [],
              droppedLinksCount: 0,
              status: { code: 0, message: '' },
            })),
          },
        ],
      },
    ],
  };
}

/** Span names per line of the file exporter's output. */
function readLines(path: string): { spans: string[] }[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const data = parseOtlpJson('traces', line);
      return { spans: data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))) };
    });
}
const dirs: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-process-'));
  dirs.push(dir);
  return dir;
}

async function openLog(dir: string): Promise<EmbeddedLog> {
  const log = await openEmbeddedLog(
    {
      dir,
      consumer: { pollIntervalMs: 50, retryInitialMs: 20, retryMaxMs: 200 },
      disk: { minFreeBytes: 0 },
    },
    { logger },
  );
  return log;
}

/** A switch in front of the file exporter: while `down`, every export fails retryably. */
const sink: { down: boolean; calls: number; hang?: Promise<void> } = { down: false, calls: 0 };

const fileFactory: ExporterFactory = {
  type: 'file',
  kind: 'exporter',
  configSchema: fileExporterConfigSchema,
  create(config, context): Exporter {
    const file = new FileExporter(context.id, config, toOtlpJson);
    return {
      name: context.id,
      signals: file.signals,
      start: () => file.start(),
      async export<S extends Signal>(signal: S, items: ExportItem<S>[]): Promise<ExportResult> {
        sink.calls++;
        if (sink.down) throw new OtelgateError('unavailable', 'sink is down');
        if (sink.hang) await sink.hang;
        return file.export(signal, items);
      },
      shutdown: () => file.shutdown(),
    };
  },
};

async function startLoop(
  log: EmbeddedLog,
  outPath: string,
  config: Parameters<typeof startProcessLoop>[0]['config'] = { stopGracePeriodMs: 10_000 },
): Promise<ProcessLoop> {
  const graph = await buildPipelineGraph(
    {
      processors: {},
      exporters: { file: { path: outPath } },
      pipelines: {
        traces: { processors: [], exporters: ['file'] },
        logs: { processors: [], exporters: ['file'] },
      },
    },
    { logger, dataDir: '/unused', factories: { processors: [], exporters: [fileFactory] } },
  );
  return startProcessLoop({
    consumer: log.consumer('process'),
    deadLetters: log.deadLetters,
    graph,
    logger,
    config,
  });
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function lagOf(log: EmbeddedLog, signal: Signal): Promise<bigint> {
  const lags = await log.consumer('process').lag();
  return lags.find((entry) => entry.signal === signal)!.lag;
}

describe('process loop on the embedded log', () => {
  it('delivers appended records to the file, dead-letters a poison record, and commits past both', async () => {
    const dir = tempDir();
    const out = join(dir, 'out', 'traces.ndjson');
    sink.down = false;
    const log = await openLog(join(dir, 'data'));
    cleanups.push(() => log.close());
    const loop = await startLoop(log, out);
    cleanups.push(() => loop.stop());

    await log.producer.append('traces', [
      {
        value: encodeExportRequest('traces', tracesRequest('checkout', ['a1', 'a2'])),
        headers: { [BufferHeader.tenant]: 'shop' },
      },
      { value: new Uint8Array([0x0a, 0xff, 0xff, 0xff]), headers: {} },
      { value: encodeExportRequest('traces', tracesRequest('cart', ['b1'])), headers: {} },
    ]);
    await eventually(async () => (await lagOf(log, 'traces')) === 0n);

    expect(readLines(out).flatMap((line) => line.spans)).toEqual(['a1', 'a2', 'b1']);
    const letters = await log.deadLetters.list();
    expect(letters).toHaveLength(1);
    expect(letters[0].stage).toBe('decode');
    expect(letters[0].source).toMatchObject({ signal: 'traces', offset: 1n });
    expect(loop.stats().recordsConsumed).toBe(3);
    expect(loop.health().lastProgressAt).toBeGreaterThan(0);
  });

  it('keeps offsets in place while the sink is down across a stop, and delivers everything after a restart', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.ndjson');
    const dataDir = join(dir, 'data');
    sink.down = true;
    sink.calls = 0;
    let log = await openLog(dataDir);
    let loop = await startLoop(log, out);
    await log.producer.append('traces', [
      { value: encodeExportRequest('traces', tracesRequest('svc', ['x1'])), headers: {} },
      { value: encodeExportRequest('traces', tracesRequest('svc', ['x2'])), headers: {} },
    ]);
    await eventually(() => sink.calls >= 2);
    await loop.stop();
    expect(await lagOf(log, 'traces')).toBe(2n);
    expect(readLines(out)).toEqual([]);
    await log.close();

    sink.down = false;
    log = await openLog(dataDir);
    cleanups.push(() => log.close());
    loop = await startLoop(log, out);
    cleanups.push(() => loop.stop());
    await eventually(async () => (await lagOf(log, 'traces')) === 0n);
    expect(readLines(out).flatMap((line) => line.spans)).toEqual(['x1', 'x2']);

    // Committed data is not handed over again after another restart.
    await loop.stop();
    await log.close();
    log = await openLog(dataDir);
    cleanups.push(() => log.close());
    loop = await startLoop(log, out);
    cleanups.push(() => loop.stop());
    await log.producer.append('traces', [
      { value: encodeExportRequest('traces', tracesRequest('svc', ['x3'])), headers: {} },
    ]);
    await eventually(async () => (await lagOf(log, 'traces')) === 0n);
    expect(readLines(out).flatMap((line) => line.spans)).toEqual(['x1', 'x2', 'x3']);
  });

  it('reports not ready while a stalled run will not wind down, and recovers once it does', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.ndjson');
    sink.down = false;
    let release!: () => void;
    sink.hang = new Promise((resolve) => {
      release = resolve;
    });
    const log = await openLog(join(dir, 'data'));
    cleanups.push(() => log.close());
    const loop = await startLoop(log, out, {
      stopGracePeriodMs: 10_000,
      watchdog: { checkIntervalMs: 50, stallTimeoutMs: 300, restartTimeoutMs: 300 },
    });
    cleanups.push(() => loop.stop());
    await log.producer.append('traces', [
      { value: encodeExportRequest('traces', tracesRequest('svc', ['h1'])), headers: {} },
    ]);

    await eventually(() => !loop.isRunning());
    expect(loop.stats().watchdogRestarts).toBeGreaterThanOrEqual(1);

    sink.hang = undefined;
    release();
    await eventually(() => loop.isRunning());
    await eventually(async () => (await lagOf(log, 'traces')) === 0n);
    expect(readLines(out).flatMap((line) => line.spans)).toContain('h1');
    expect(loop.health().restarts).toBeGreaterThanOrEqual(1);
  });
});
