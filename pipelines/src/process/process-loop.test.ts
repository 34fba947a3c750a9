import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BatchHandler,
  BufferHeader,
  type BufferConsumer,
  type BufferRecord,
  type DeadLetterReason,
  type DeadLetterSink,
  type PartitionLag,
} from '../buffer/buffer.ts';
import type {
  Emitter,
  Exporter,
  ExportItem,
  ExportResult,
  Processor,
  RecordContext,
  SignalData,
} from '../components/component.ts';
import type { ExporterFactory, FactoryContext, ProcessorFactory } from '../components/factory.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import type { TracesData } from '../model/traces.ts';
import type { DecodeFn } from './record-decoder.ts';
import { buildPipelineGraph, type PipelineGraph } from './pipeline-graph.ts';
import { type ProcessLoop, startProcessLoop } from './process-loop.ts';
import { z } from 'zod';

const logger = pino({ level: 'silent' });

// --- A small in-memory buffer with the consumer's contract: one batch per partition at a time,
// commit after the handler resolves, the same records again after it rejects. -----------------

class MemoryBuffer implements BufferConsumer {
  readonly records = new Map<Signal, BufferRecord[]>();
  readonly committed = new Map<Signal, bigint>();
  runs = 0;
  /** When false, run() hands nothing over (a stuck consumer). */
  handsOver = true;
  private wake: (() => void) | undefined;
  private readonly maxBatch = 10;

  append(signal: Signal, value: Uint8Array, headers: Record<string, string> = {}): bigint {
    const list = this.records.get(signal) ?? [];
    this.records.set(signal, list);
    const offset = BigInt(list.length);
    list.push({ signal, partition: 0, offset, value, headers, timestamp: Date.now() });
    this.wake?.();
    return offset;
  }

  committedOffset(signal: Signal): bigint {
    return this.committed.get(signal) ?? 0n;
  }

  async run(handler: BatchHandler, abort: AbortSignal): Promise<void> {
    this.runs++;
    const onAbort = () => this.wake?.();
    abort.addEventListener('abort', onAbort);
    try {
      while (!abort.aborted) {
        let handed = false;
        if (this.handsOver) {
          for (const [signal, list] of this.records) {
            const from = Number(this.committedOffset(signal));
            if (from >= list.length) continue;
            const records = list.slice(from, from + this.maxBatch);
            handed = true;
            try {
              await handler({ signal, partition: 0, records });
              this.committed.set(signal, records[records.length - 1].offset + 1n);
            } catch {
              await new Promise((resolve) => setTimeout(resolve, 10));
            }
          }
        }
        if (!handed && !abort.aborted) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, 50);
          });
        }
      }
    } finally {
      abort.removeEventListener('abort', onAbort);
    }
  }

  async lag(): Promise<PartitionLag[]> {
    return [...this.records].map(([signal, list]) => ({
      signal,
      partition: 0,
      committedOffset: this.committedOffset(signal),
      lag: BigInt(list.length) - this.committedOffset(signal),
    }));
  }

  async close(): Promise<void> {}
}

class MemoryDeadLetters implements DeadLetterSink {
  readonly letters: { record: BufferRecord; reason: DeadLetterReason }[] = [];
  async write(record: BufferRecord, reason: DeadLetterReason): Promise<void> {
    this.letters.push({ record, reason });
  }
}

// --- Stand-in codec: a record's value is the JSON of a tiny TracesData. -----------------------

function tracesPayload(...spanNames: string[]): Uint8Array {
  const data = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [{ spans: spanNames.map((name) => ({ name })) }],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(data));
}

const stubDecode: DecodeFn = <S extends Signal>(_signal: S, bytes: Uint8Array) =>
  JSON.parse(new TextDecoder().decode(bytes)) as SignalData[S];

function spanNames(items: ExportItem[]): string[] {
  return items.flatMap((item) =>
    (item.data as TracesData).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))),
  );
}

// --- Recording exporters and processors as factories. ---------------------------------------

class RecordingExporter implements Exporter {
  readonly signals: readonly Signal[] = ['traces', 'metrics', 'logs'];
  readonly calls: { signal: Signal; items: ExportItem[] }[] = [];
  readonly delivered: { signal: Signal; items: ExportItem[] }[] = [];
  shutdownCalls = 0;
  /** Decides each call's fate; by default every item is confirmed. */
  behaviour: (signal: Signal, items: ExportItem[], call: number) => Promise<ExportResult> = async () => ({
    rejected: [],
  });

  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  async export<S extends Signal>(signal: S, items: ExportItem<S>[]): Promise<ExportResult> {
    this.calls.push({ signal, items });
    const result = await this.behaviour(signal, items, this.calls.length);
    this.delivered.push({ signal, items });
    return result;
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls++;
  }
}

interface Harness {
  exporters: Map<string, RecordingExporter>;
  processors: Map<string, Processor>;
  factories: { processors: ProcessorFactory[]; exporters: ExporterFactory[] };
}

function harness(processors: Record<string, (ctx: FactoryContext) => Processor> = {}): Harness {
  const exporters = new Map<string, RecordingExporter>();
  const built = new Map<string, Processor>();
  return {
    exporters,
    processors: built,
    factories: {
      exporters: [
        {
          type: 'recording',
          kind: 'exporter',
          configSchema: z.strictObject({}),
          create(_config, context) {
            const exporter = new RecordingExporter(context.id);
            exporters.set(context.id, exporter);
            return exporter;
          },
        },
      ],
      processors: Object.entries(processors).map(([type, make]) => ({
        type,
        kind: 'processor' as const,
        configSchema: z.strictObject({}),
        create(_config: unknown, context: FactoryContext) {
          const processor = make(context);
          built.set(context.id, processor);
          return processor;
        },
      })),
    },
  };
}

const running: ProcessLoop[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((loop) => loop.stop()));
});

async function start(
  h: Harness,
  pipelines: Partial<Record<Signal, { processors?: string[]; exporters: string[] }>>,
  buffer: MemoryBuffer,
  deadLetters: DeadLetterSink = new MemoryDeadLetters(),
  config: Parameters<typeof startProcessLoop>[0]['config'] = {},
): Promise<{ loop: ProcessLoop; graph: PipelineGraph }> {
  const ids = (kind: 'processors' | 'exporters') =>
    Object.fromEntries(
      Object.values(pipelines)
        .flatMap((p) => (kind === 'processors' ? (p?.processors ?? []) : (p?.exporters ?? [])))
        .map((id) => [id, {}]),
    );
  const graph = await buildPipelineGraph(
    {
      pipelines: Object.fromEntries(
        Object.entries(pipelines).map(([signal, p]) => [
          signal,
          { processors: p?.processors ?? [], exporters: p!.exporters },
        ]),
      ),
      processors: ids('processors'),
      exporters: ids('exporters'),
    },
    { logger, dataDir: '/nonexistent', factories: h.factories },
  );
  const loop = await startProcessLoop({ consumer: buffer, deadLetters, graph, logger, decode: stubDecode, config });
  running.push(loop);
  return { loop, graph };
}

async function eventually(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('process loop', () => {
  it('hands every record to every exporter of its signal and commits past the batch', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    await start(h, { traces: { exporters: ['recording/a', 'recording/b'] } }, buffer);
    buffer.append('traces', tracesPayload('GET /cart', 'SELECT cart'), {
      [BufferHeader.tenant]: 'shop',
      [BufferHeader.peerAddress]: '203.0.113.9',
    });
    buffer.append('traces', tracesPayload('POST /pay'));

    await eventually(() => buffer.committedOffset('traces') === 2n);
    for (const id of ['recording/a', 'recording/b']) {
      const items = h.exporters.get(id)!.delivered.flatMap((call) => call.items);
      expect(spanNames(items)).toEqual(['GET /cart', 'SELECT cart', 'POST /pay']);
      expect(items[0].ctx).toEqual({ tenant: 'shop', peerAddress: '203.0.113.9' });
      expect(items[0].source).toEqual({ partition: 0, offset: 0n });
      expect(items[1].ctx).toEqual({ tenant: undefined, peerAddress: undefined });
    }
  });

  it('commits nothing until an exporter that failed retryably twice confirms, without re-sending to the one that confirmed', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const { loop } = await start(h, { traces: { exporters: ['recording/flaky', 'recording/steady'] } }, buffer);
    const flaky = h.exporters.get('recording/flaky')!;
    const steady = h.exporters.get('recording/steady')!;
    const commitsSeenWhileFailing: bigint[] = [];
    flaky.behaviour = async (_signal, _items, call) => {
      commitsSeenWhileFailing.push(buffer.committedOffset('traces'));
      if (call <= 2) throw new OtelgateError('unavailable', 'sink down');
      return { rejected: [] };
    };
    buffer.append('traces', tracesPayload('a'));
    buffer.append('traces', tracesPayload('b'));

    await eventually(() => buffer.committedOffset('traces') === 2n);
    expect(flaky.calls).toHaveLength(3);
    expect(commitsSeenWhileFailing).toEqual([0n, 0n, 0n]);
    expect(spanNames(flaky.delivered.flatMap((call) => call.items))).toEqual(['a', 'b']);
    expect(steady.calls).toHaveLength(1);
    expect(loop.stats().batchesRetried).toBe(2);
    expect(loop.stats().itemsFailed['recording/flaky']).toBe(4);
    expect(loop.stats().itemsExported['recording/flaky']).toBe(2);
  });

  it('dead-letters a record whose processing hangs twice as worker-crash, delivering the records around it', async () => {
    const h = harness({
      hang: () => ({
        name: 'hang',
        signals: ['traces'],
        process(_signal, data) {
          const names = spanNames([
            { data, ctx: { tenant: undefined, peerAddress: undefined }, source: { partition: 0, offset: 0n } },
          ]);
          // Pending forever on the marked record; other records resolve.
          return names.includes('stuck') ? new Promise<never>(() => {}) : Promise.resolve(data);
        },
      }),
    });
    const buffer = new MemoryBuffer();
    const deadLetters = new MemoryDeadLetters();
    await start(h, { traces: { processors: ['hang'], exporters: ['recording/a'] } }, buffer, deadLetters, {
      quarantine: { hangTimeoutMs: 100 },
    });
    buffer.append('traces', tracesPayload('a'));
    buffer.append('traces', tracesPayload('stuck'));
    buffer.append('traces', tracesPayload('b'));

    await eventually(() => buffer.committedOffset('traces') === 3n);
    expect(deadLetters.letters.map((l) => ({ offset: l.record.offset, stage: l.reason.stage }))).toEqual([
      { offset: 1n, stage: 'worker-crash' },
    ]);
    expect(deadLetters.letters[0].reason.reason).toMatch(/offset 1\b.*hang did not finish within 100 ms/);
    expect(new Set(spanNames(h.exporters.get('recording/a')!.delivered.flatMap((call) => call.items)))).toEqual(
      new Set(['a', 'b']),
    );
  });

  it('dead-letters an undecodable record and keeps the partition moving', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const deadLetters = new MemoryDeadLetters();
    const { loop } = await start(h, { traces: { exporters: ['recording'] } }, buffer, deadLetters);
    buffer.append('traces', tracesPayload('before'));
    buffer.append('traces', new Uint8Array([0xff, 0x00, 0x13]));
    buffer.append('traces', tracesPayload('after'));

    await eventually(() => buffer.committedOffset('traces') === 3n);
    expect(spanNames(h.exporters.get('recording')!.delivered.flatMap((c) => c.items))).toEqual(['before', 'after']);
    expect(deadLetters.letters).toHaveLength(1);
    expect(deadLetters.letters[0].record.offset).toBe(1n);
    expect(deadLetters.letters[0].reason.stage).toBe('decode');
    expect(loop.stats().deadLettered).toEqual({ decode: 1 });

    // Later records still flow.
    buffer.append('traces', tracesPayload('later'));
    await eventually(() => buffer.committedOffset('traces') === 4n);
  });

  it('dead-letters the records an exporter rejects for good, with the exporter and its reason', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const deadLetters = new MemoryDeadLetters();
    await start(h, { traces: { exporters: ['recording/es', 'recording/other'] } }, buffer, deadLetters);
    h.exporters.get('recording/es')!.behaviour = async (_signal, items) => ({
      rejected: items.flatMap((item, index) =>
        spanNames([item]).includes('bad') ? [{ index, reason: 'mapper_parsing_exception' }] : [],
      ),
    });
    buffer.append('traces', tracesPayload('ok-1'));
    buffer.append('traces', tracesPayload('bad'));
    buffer.append('traces', tracesPayload('ok-2'));

    await eventually(() => buffer.committedOffset('traces') === 3n);
    expect(deadLetters.letters.map((l) => [l.record.offset, l.reason])).toEqual([
      [1n, { stage: 'recording/es', reason: 'mapper_parsing_exception' }],
    ]);
    expect(spanNames(h.exporters.get('recording/other')!.delivered.flatMap((c) => c.items))).toEqual([
      'ok-1',
      'bad',
      'ok-2',
    ]);
  });

  it('dead-letters every item of an exporter that refuses the whole batch with a permanent error', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const deadLetters = new MemoryDeadLetters();
    await start(h, { traces: { exporters: ['recording'] } }, buffer, deadLetters);
    h.exporters.get('recording')!.behaviour = async () => {
      throw new OtelgateError('permanent', 'HTTP 400: bad request');
    };
    buffer.append('traces', tracesPayload('x'));
    buffer.append('traces', tracesPayload('y'));

    await eventually(() => buffer.committedOffset('traces') === 2n);
    expect(deadLetters.letters.map((l) => l.reason)).toEqual([
      { stage: 'recording', reason: 'HTTP 400: bad request' },
      { stage: 'recording', reason: 'HTTP 400: bad request' },
    ]);
  });

  it('runs processors in order and dead-letters a record a processor throws on, with the processor id', async () => {
    const order: string[] = [];
    const h = harness({
      tagger: (context) => ({
        name: context.id,
        signals: ['traces'],
        process(_signal, data) {
          order.push(context.id);
          for (const rs of (data as TracesData).resourceSpans) {
            for (const ss of rs.scopeSpans) for (const span of ss.spans) span.name += `+${context.id}`;
          }
          return data;
        },
      }),
      picky: (context) => ({
        name: context.id,
        signals: ['traces'],
        async process(_signal, data) {
          order.push(context.id);
          if (spanNames([{ data } as ExportItem]).some((name) => name.startsWith('boom'))) {
            throw new TypeError('cannot read properties of undefined');
          }
          return data;
        },
      }),
    });
    const buffer = new MemoryBuffer();
    const deadLetters = new MemoryDeadLetters();
    await start(
      h,
      { traces: { processors: ['tagger/one', 'picky', 'tagger/two'], exporters: ['recording'] } },
      buffer,
      deadLetters,
    );
    buffer.append('traces', tracesPayload('s1'));
    buffer.append('traces', tracesPayload('boom'));
    buffer.append('traces', tracesPayload('s3'));

    await eventually(() => buffer.committedOffset('traces') === 3n);
    expect(spanNames(h.exporters.get('recording')!.delivered.flatMap((c) => c.items))).toEqual([
      's1+tagger/one+tagger/two',
      's3+tagger/one+tagger/two',
    ]);
    expect(order.slice(0, 3)).toEqual(['tagger/one', 'picky', 'tagger/two']);
    expect(deadLetters.letters.map((l) => [l.record.offset, l.reason.stage])).toEqual([[1n, 'picky']]);
    expect(deadLetters.letters[0].reason.reason).toContain('cannot read properties');
  });

  it('retries the whole batch, dead-lettering nothing, when a processor cannot work now', async () => {
    let failuresLeft = 2;
    const h = harness({
      lookup: (context) => ({
        name: context.id,
        signals: ['traces'],
        process(_signal, data) {
          if (failuresLeft > 0) {
            failuresLeft--;
            throw new OtelgateError('unavailable', 'database reloading');
          }
          return data;
        },
      }),
    });
    const buffer = new MemoryBuffer();
    const deadLetters = new MemoryDeadLetters();
    const { loop } = await start(
      h,
      { traces: { processors: ['lookup'], exporters: ['recording'] } },
      buffer,
      deadLetters,
    );
    buffer.append('traces', tracesPayload('kept'));

    await eventually(() => buffer.committedOffset('traces') === 1n);
    expect(deadLetters.letters).toEqual([]);
    expect(spanNames(h.exporters.get('recording')!.delivered.flatMap((c) => c.items))).toEqual(['kept']);
    expect(loop.stats().batchesRetried).toBe(2);
  });

  it('exports what a processor emits outside a batch in the background, retrying while the exporter fails', async () => {
    let emitLater: ((ctx: RecordContext) => void) | undefined;
    const h = harness({
      flusher: (context) => {
        emitLater = (ctx) => context.emit('logs', { resourceLogs: [] }, ctx);
        return { name: context.id, signals: ['traces'], process: (_signal, data) => data };
      },
    });
    const buffer = new MemoryBuffer();
    await start(
      h,
      { traces: { processors: ['flusher'], exporters: ['recording/t'] }, logs: { exporters: ['recording/l'] } },
      buffer,
    );
    const logsExporter = h.exporters.get('recording/l')!;
    logsExporter.behaviour = async (_signal, _items, call) => {
      if (call === 1) throw new OtelgateError('unavailable', 'not yet');
      return { rejected: [] };
    };
    emitLater!({ tenant: 'periodic', peerAddress: undefined });
    await eventually(() => logsExporter.delivered.length === 1);
    expect(logsExporter.calls).toHaveLength(2);
    expect(logsExporter.delivered[0].items[0].ctx.tenant).toBe('periodic');
  });

  it('counts what is emitted outside a batch in log records, not in requests', async () => {
    let emitLater: (() => void) | undefined;
    const h = harness({
      flusher: (context) => {
        const record = {
          timeUnixNano: 1n,
          observedTimeUnixNano: 1n,
          severityNumber: 9,
          severityText: 'INFO',
          body: { stringValue: 'x' },
          attributes: [],
          droppedAttributesCount: 0,
          flags: 0,
          traceId: '',
          spanId: '',
          eventName: '',
        };
        const logs = {
          resourceLogs: [
            {
              resource: { attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              scopeLogs: [
                {
                  scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
                  schemaUrl: '',
                  logRecords: [record, record, record],
                },
              ],
            },
          ],
        };
        emitLater = () =>
          context.emit('logs', logs as SignalData['logs'], { tenant: undefined, peerAddress: undefined });
        return { name: context.id, signals: ['traces'], process: (_signal, data) => data };
      },
    });
    const buffer = new MemoryBuffer();
    const { loop } = await start(
      h,
      { traces: { processors: ['flusher'], exporters: ['recording/t'] }, logs: { exporters: ['recording/l'] } },
      buffer,
    );
    emitLater!();
    await eventually(() => h.exporters.get('recording/l')!.delivered.length === 1);
    expect(loop.stats().itemsExported['recording/l']).toBe(3);
  });

  it("routes what a processor emits for another signal to that signal's exporters before committing", async () => {
    const h = harness({
      spanmetrics: (context) => ({
        name: context.id,
        signals: ['traces'],
        process(_signal, data, ctx: RecordContext, out?: Emitter) {
          const spans = (data as TracesData).resourceSpans[0].scopeSpans[0].spans.length;
          out!.emit(
            'metrics',
            {
              resourceMetrics: [
                {
                  resource: { attributes: [], droppedAttributesCount: 0 },
                  schemaUrl: '',
                  scopeMetrics: [
                    {
                      scope: { name: 'spanmetrics', version: '', attributes: [], droppedAttributesCount: 0 },
                      schemaUrl: '',
                      metrics: [
                        {
                          name: 'calls',
                          description: '',
                          unit: '1',
                          metadata: [],
                          sum: {
                            aggregationTemporality: 1,
                            isMonotonic: true,
                            dataPoints: [
                              {
                                attributes: [],
                                startTimeUnixNano: 0n,
                                timeUnixNano: 1n,
                                asInt: BigInt(spans),
                                exemplars: [],
                                flags: 0,
                              },
                            ],
                          },
                        },
                      ],
                    },
                  ],
                },
              ],
            },
            ctx,
          );
          return data;
        },
      }),
    });
    const buffer = new MemoryBuffer();
    await start(
      h,
      {
        traces: { processors: ['spanmetrics'], exporters: ['recording/traces'] },
        metrics: { exporters: ['recording/metrics'] },
      },
      buffer,
    );
    const metricsExporter = h.exporters.get('recording/metrics')!;
    const release = deferred();
    metricsExporter.behaviour = async () => {
      await release.promise;
      return { rejected: [] };
    };
    buffer.append('traces', tracesPayload('a', 'b', 'c'), { [BufferHeader.tenant]: 'shop' });

    await eventually(() => metricsExporter.calls.length === 1);
    // The batch waits for the derived metrics to be confirmed too.
    expect(buffer.committedOffset('traces')).toBe(0n);
    release.resolve();
    await eventually(() => buffer.committedOffset('traces') === 1n);
    const [call] = metricsExporter.calls;
    expect(call.signal).toBe('metrics');
    expect(call.items[0].ctx.tenant).toBe('shop');
    expect(call.items[0].source).toEqual({ partition: 0, offset: 0n });
    const metric = (call.items[0].data as SignalData['metrics']).resourceMetrics[0].scopeMetrics[0].metrics[0];
    expect(metric.sum?.dataPoints[0].asInt).toBe(3n);
  });

  it('stop() waits for the batch in flight to be confirmed and committed, then shuts exporters down', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const { loop } = await start(h, { traces: { exporters: ['recording'] } }, buffer);
    const exporter = h.exporters.get('recording')!;
    const release = deferred();
    exporter.behaviour = async () => {
      await release.promise;
      return { rejected: [] };
    };
    buffer.append('traces', tracesPayload('in-flight'));
    await eventually(() => exporter.calls.length === 1);

    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stopped).toBe(false);
    expect(exporter.shutdownCalls).toBe(0);
    expect(loop.isRunning()).toBe(false);

    release.resolve();
    await stopping;
    expect(buffer.committedOffset('traces')).toBe(1n);
    expect(exporter.shutdownCalls).toBe(1);
  });

  it('stop() gives up on a batch that outlives the grace period, leaving it uncommitted', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const { loop } = await start(h, { traces: { exporters: ['recording'] } }, buffer, undefined, {
      stopGracePeriodMs: 300,
    });
    const exporter = h.exporters.get('recording')!;
    exporter.behaviour = () => new Promise(() => {});
    buffer.append('traces', tracesPayload('stuck'));
    await eventually(() => exporter.calls.length === 1);

    await loop.stop();
    expect(buffer.committedOffset('traces')).toBe(0n);
    expect(exporter.shutdownCalls).toBe(1);
  });

  it('shares one exporter instance between signals and shuts it down once', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const { loop, graph } = await start(
      h,
      { traces: { exporters: ['recording'] }, logs: { exporters: ['recording'] } },
      buffer,
    );
    expect(graph.pipeline('traces')!.exporters[0].exporter).toBe(graph.pipeline('logs')!.exporters[0].exporter);
    await loop.stop();
    expect(h.exporters.get('recording')!.shutdownCalls).toBe(1);
  });

  it('commits records of a signal without a pipeline, counting them as dropped', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const { loop } = await start(h, { traces: { exporters: ['recording'] } }, buffer);
    buffer.append('logs', tracesPayload('orphan'));
    await eventually(() => buffer.committedOffset('logs') === 1n);
    expect(loop.stats().recordsDropped).toBe(1);
    expect(h.exporters.get('recording')!.calls).toHaveLength(0);
  });

  it('restarts the consumer run when a partition with waiting records makes no progress', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    buffer.handsOver = false;
    buffer.append('traces', tracesPayload('waiting'));
    const { loop } = await start(h, { traces: { exporters: ['recording'] } }, buffer, undefined, {
      watchdog: { checkIntervalMs: 50, stallTimeoutMs: 300, restartTimeoutMs: 5_000 },
    });
    await eventually(() => buffer.runs >= 2);
    expect(loop.stats().watchdogRestarts).toBeGreaterThanOrEqual(1);
    expect(loop.isRunning()).toBe(true);

    buffer.handsOver = true;
    await eventually(() => buffer.committedOffset('traces') === 1n);
  });

  it('does not restart a consumer whose batches keep being retried (a failing exporter is not a stall)', async () => {
    const h = harness();
    const buffer = new MemoryBuffer();
    const { loop } = await start(h, { traces: { exporters: ['recording'] } }, buffer, undefined, {
      watchdog: { checkIntervalMs: 50, stallTimeoutMs: 800, restartTimeoutMs: 5_000 },
    });
    h.exporters.get('recording')!.behaviour = async () => {
      throw new OtelgateError('unavailable', 'down');
    };
    buffer.append('traces', tracesPayload('retried'));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(loop.stats().watchdogRestarts).toBe(0);
    expect(buffer.runs).toBe(1);
    expect(loop.stats().batchesRetried).toBeGreaterThan(1);
  });
});
