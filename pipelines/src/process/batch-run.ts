// The work on one consumed batch: its records are decoded in slices, processed, gathered into
// chunks of bounded items and bytes, and each chunk is delivered before the next one is decoded.
// Under a crash suspicion (crash-marks.ts) records go one at a time, each noted before it starts,
// and a record that was in hand at `maxCrashes` deaths is dead-lettered instead.
import type { BufferRecord, ConsumedBatch } from '../buffer/buffer.ts';
import type { Emitter, ExportItem, ExportResult, RecordContext, SignalData } from '../components/component.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import { type Chunk, type ChunkDeliveryDeps, type DeadLetter, deliverChunk, messageOf } from './chunk-delivery.ts';
import type { ChunkSlots } from './chunk-slots.ts';
import type { CrashMarks } from './crash-marks.ts';
import { countItems } from './item-count.ts';
import type { SignalPipeline } from './pipeline-graph.ts';
import type { DecodedSlice, RecordDecoder } from './record-decoder.ts';
import { recordContext } from './record-context.ts';

export interface BatchRunDeps extends ChunkDeliveryDeps {
  decoder: RecordDecoder;
  slots: ChunkSlots;
  /** Per chunk (and per decoded slice). */
  chunkLimits: { maxItems: number; maxBytes: number };
  marks: CrashMarks;
  /** Deaths with a record in hand before it is dead-lettered; 0: never. */
  maxCrashes: number;
  /** How long a processor's pending work on one slice may take before the record counts as hung. */
  hangTimeoutMs: number;
}

interface OpenChunk {
  items: ExportItem[];
  itemRecords: BufferRecord[];
  itemCount: number;
  bytes: number;
  firstKey: string;
  lastKey: string;
}

export class BatchRun {
  private readonly deps: BatchRunDeps;
  private readonly batch: ConsumedBatch;
  private readonly pipeline: SignalPipeline;
  private readonly careful: boolean;
  private readonly confirmed: Map<string, ExportResult>;
  private readonly deadLetters: DeadLetter[] = [];
  private readonly lettered = new Set<string>();
  /** What processors emitted (through `out`) since the last chunk was delivered; it goes with the next one. */
  private emitted = new Map<Signal, ExportItem[]>();
  /** The record being processed, stamped on what is emitted from it. */
  private source = { partition: 0, offset: -1n };
  private readonly out: Emitter;
  private chunk: OpenChunk = emptyChunk();
  private release: (() => void) | undefined;

  constructor(
    deps: BatchRunDeps,
    batch: ConsumedBatch,
    pipeline: SignalPipeline,
    careful: boolean,
    confirmed: Map<string, ExportResult>,
  ) {
    this.deps = deps;
    this.batch = batch;
    this.pipeline = pipeline;
    this.careful = careful;
    this.confirmed = confirmed;
    this.source = { partition: batch.partition, offset: -1n };
    this.out = { emit: (signal, data, ctx) => this.collectEmitted(signal, data, ctx) };
  }

  /** Delivers every chunk; resolves with what must be dead-lettered, throws when the batch must be retried. */
  async run(): Promise<DeadLetter[]> {
    try {
      for (const record of this.batch.records) {
        if (this.careful && !this.takeCarefully(record)) continue;
        await this.processRecord(record);
        if (this.careful) await this.flush();
      }
      await this.flush();
      return this.deadLetters;
    } finally {
      this.releaseSlot();
    }
  }

  private collectEmitted<S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext): void {
    if (!this.deps.graph.pipeline(signal)) {
      this.deps.telemetry.emitDropped(signal, countItems(signal, data), 'no_pipeline');
      return;
    }
    const item: ExportItem = { data, ctx, source: this.source };
    const items = this.emitted.get(signal);
    if (items) items.push(item);
    else this.emitted.set(signal, [item]);
  }

  /** Under suspicion: false when the record is quarantined, else it is noted as in hand alone. */
  private takeCarefully(record: BufferRecord): boolean {
    const { marks, maxCrashes } = this.deps;
    const suspect = marks.crashesAt(record.signal, record.partition, record.offset);
    const crashes = suspect?.crashes ?? 0;
    if (suspect && crashes >= maxCrashes) {
      const reason = `the worker died or hung ${crashes} times with this record in hand (partition ${record.partition}, offset ${record.offset}); last error: ${suspect.lastError}`;
      this.deadLetter(record, 'worker-crash', reason);
      return false;
    }
    marks.note(record.signal, record.partition, record.offset, record.offset, crashes, suspect?.lastError ?? '');
    return true;
  }

  private async processRecord(record: BufferRecord): Promise<void> {
    const { signal } = this.batch;
    let slices: Iterator<DecodedSlice>;
    try {
      slices = this.deps.decoder(signal, record.value)[Symbol.iterator]();
    } catch (error) {
      this.deadLetter(record, 'decode', messageOf(error));
      return;
    }
    const ctx = recordContext(record.headers);
    for (let index = 0; ; index++) {
      if (!this.release) await this.takeSlot();
      let next: IteratorResult<DecodedSlice>;
      try {
        next = slices.next();
      } catch (error) {
        this.deadLetter(record, 'decode', messageOf(error));
        return;
      }
      if (next.done) return;
      this.source = { partition: record.partition, offset: record.offset };
      const data = await this.processSlice(record, next.value.data, ctx);
      if (data === undefined) return;
      this.deps.telemetry.processed(signal, countItems(signal, data));
      await this.add(record, index, data, next.value.bytes, ctx);
    }
  }

  /** The processors over one slice; undefined when one refused the record for good (dead-lettered). */
  private async processSlice(
    record: BufferRecord,
    input: SignalData[Signal],
    ctx: RecordContext,
  ): Promise<SignalData[Signal] | undefined> {
    const { signal } = this.batch;
    let data = input;
    for (const node of this.pipeline.processors) {
      try {
        const out = node.processor.process(signal, data, ctx, this.out);
        // Most processors are synchronous: no microtask (and no deadline timer) per record for them.
        data = out instanceof Promise ? await this.withinDeadline(record, node.id, out) : out;
      } catch (error) {
        // A processor that cannot work now (not a bad record) retries the whole batch.
        if (error instanceof OtelgateError && error.retryable) throw error;
        this.deadLetter(record, node.id, messageOf(error));
        return undefined;
      }
    }
    return data;
  }

  private async withinDeadline<T>(record: BufferRecord, stage: string, work: Promise<T>): Promise<T> {
    const { hangTimeoutMs, marks, maxCrashes } = this.deps;
    if (maxCrashes === 0) return work;
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const message = `${stage} did not finish within ${hangTimeoutMs} ms (offset ${record.offset})`;
        marks.giveUp(record.signal, record.partition, record.offset, message);
        reject(new OtelgateError('retryable', message));
      }, hangTimeoutMs);
    });
    try {
      return await Promise.race([work, hung]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async add(
    record: BufferRecord,
    index: number,
    data: SignalData[Signal],
    bytes: number,
    ctx: RecordContext,
  ): Promise<void> {
    const items = countItems(this.batch.signal, data);
    const { maxItems, maxBytes } = this.deps.chunkLimits;
    if (
      this.chunk.items.length > 0 &&
      (this.chunk.itemCount + items > maxItems || this.chunk.bytes + bytes > maxBytes)
    ) {
      await this.flush();
      if (!this.release) await this.takeSlot();
    }
    const key = `${record.offset}:${index}`;
    if (this.chunk.items.length === 0) this.chunk.firstKey = key;
    this.chunk.lastKey = key;
    this.chunk.items.push({ data, ctx, source: { partition: record.partition, offset: record.offset } });
    this.chunk.itemRecords.push(record);
    this.chunk.itemCount += items;
    this.chunk.bytes += bytes;
  }

  /** Delivers the open chunk (and what was emitted meanwhile), then gives its slot back. */
  private async flush(): Promise<void> {
    const open = this.chunk;
    const emitted = this.emitted;
    this.chunk = emptyChunk();
    this.emitted = new Map();
    try {
      if (open.items.length === 0 && emitted.size === 0) return;
      const chunk: Chunk = {
        key: `${open.firstKey}-${open.lastKey}`,
        items: open.items,
        itemRecords: open.itemRecords,
        emitted,
      };
      for (const letter of await deliverChunk(this.deps, this.batch.signal, chunk, this.confirmed))
        this.deadLetter(letter.record, letter.reason.stage, letter.reason.reason);
    } finally {
      this.releaseSlot();
    }
  }

  private async takeSlot(): Promise<void> {
    const release = await this.deps.slots.acquire();
    if (this.release) release();
    else this.release = release;
  }

  private releaseSlot(): void {
    this.release?.();
    this.release = undefined;
  }

  /** Once per record and stage (a record cut into slices may be refused once per slice). */
  private deadLetter(record: BufferRecord, stage: string, reason: string): void {
    const key = `${record.offset}\u0000${stage}`;
    if (this.lettered.has(key)) return;
    this.lettered.add(key);
    this.deadLetters.push({ record, reason: { stage, reason } });
  }
}

function emptyChunk(): OpenChunk {
  return { items: [], itemRecords: [], itemCount: 0, bytes: 0, firstKey: '', lastKey: '' };
}
