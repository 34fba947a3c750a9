// Routes data a processor derives for another signal (spanmetrics) to that signal's exporters.
// Emitted while a batch is being processed: it travels with that batch (AsyncLocalStorage keeps
// track across the processor's awaits, several partitions may be in flight), so it is exported
// before the batch commits. Emitted outside a batch (a periodic flush): queued, bounded, and
// exported in the background with retries.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { ExportItem, RecordContext, SignalData } from '../components/component.ts';
import { type BackoffPolicy, backoffDelay } from '../delivery/backoff.ts';
import { isRetryable } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import { countItems } from './item-count.ts';
import type { PipelineGraph } from './pipeline-graph.ts';
import type { ProcessTelemetry } from './process-telemetry.ts';

export interface BatchEmits {
  /** The record being processed, stamped on what it emits. */
  source: { partition: number; offset: bigint };
  bySignal: Map<Signal, ExportItem[]>;
}

interface PendingEmit {
  signal: Signal;
  item: ExportItem;
}

const RETRY: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };

export class EmitRouter {
  private readonly scope = new AsyncLocalStorage<BatchEmits>();
  private pending: PendingEmit[] = [];
  private flushing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private closed = false;
  private readonly graph: PipelineGraph;
  private readonly telemetry: ProcessTelemetry;
  private readonly logger: Logger;
  private readonly maxPending: number;

  constructor(options: { graph: PipelineGraph; telemetry: ProcessTelemetry; logger: Logger; maxPending: number }) {
    this.graph = options.graph;
    this.telemetry = options.telemetry;
    this.logger = options.logger;
    this.maxPending = options.maxPending;
  }

  runInBatch<T>(emits: BatchEmits, work: () => Promise<T>): Promise<T> {
    return this.scope.run(emits, work);
  }

  /** The graph's emit handler. */
  readonly handle = (signal: Signal, data: SignalData[Signal], ctx: RecordContext, emitter: string): void => {
    if (!this.graph.pipeline(signal)) {
      this.telemetry.emitDropped(signal, countItems(signal, data), 'no_pipeline');
      this.logger.debug({ signal, emitter }, 'emitted data dropped: no pipeline for its signal');
      return;
    }
    const batch = this.scope.getStore();
    if (batch) {
      const item: ExportItem = { data, ctx, source: batch.source };
      const items = batch.bySignal.get(signal);
      if (items) items.push(item);
      else batch.bySignal.set(signal, [item]);
      return;
    }
    if (this.closed || this.pending.length >= this.maxPending) {
      this.telemetry.emitDropped(signal, countItems(signal, data), this.closed ? 'stopped' : 'queue_full');
      return;
    }
    this.pending.push({ signal, item: { data, ctx, source: { partition: -1, offset: -1n } } });
    if (!this.retryTimer) this.flushSoon();
  };

  /** Exports what is queued; on stop, one last attempt. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.flushing;
    if (this.pending.length > 0) await this.flush();
    for (const { signal, item } of this.pending)
      this.telemetry.emitDropped(signal, countItems(signal, item.data), 'stopped');
    this.pending = [];
  }

  private flushSoon(): void {
    this.flushing ??= Promise.resolve()
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        // Items emitted while this flush was sending.
        if (this.pending.length > 0 && !this.retryTimer && !this.closed) this.flushSoon();
      });
  }

  private async flush(): Promise<void> {
    const taken = this.pending;
    this.pending = [];
    const bySignal = new Map<Signal, ExportItem[]>();
    for (const { signal, item } of taken) {
      const items = bySignal.get(signal);
      if (items) items.push(item);
      else bySignal.set(signal, [item]);
    }
    const retry: PendingEmit[] = [];
    await Promise.all(
      [...bySignal].map(async ([signal, items]) => {
        const exporters = this.graph.pipeline(signal)?.exporters ?? [];
        const outcomes = await Promise.allSettled(exporters.map(({ exporter }) => exporter.export(signal, items)));
        // Counted in spans / data points / log records, like the batch's own items.
        const unitsOf = (selected: ExportItem[]) => selected.reduce((n, item) => n + countItems(signal, item.data), 0);
        const total = unitsOf(items);
        outcomes.forEach((outcome, index) => {
          const id = exporters[index].id;
          if (outcome.status === 'fulfilled') {
            const rejected = unitsOf(outcome.value.rejected.map(({ index: i }) => items[i]).filter(Boolean));
            this.telemetry.exported(id, signal, total - rejected);
            if (outcome.value.rejected.length > 0) {
              this.telemetry.emitDropped(signal, rejected, 'rejected');
              this.logger.warn(
                { signal, exporter: id, reason: outcome.value.rejected[0].reason },
                'exporter rejected emitted items',
              );
            }
          } else if (isRetryable(outcome.reason)) {
            this.telemetry.failed(id, signal, total, 'retryable');
          } else {
            this.telemetry.emitDropped(signal, total, 'rejected');
            this.logger.warn({ signal, exporter: id, err: outcome.reason }, 'exporter refused emitted items');
          }
        });
        // Exporters are idempotent: re-sending to those that confirmed is harmless.
        if (outcomes.some((outcome) => outcome.status === 'rejected' && isRetryable(outcome.reason))) {
          for (const item of items) retry.push({ signal, item });
        }
      }),
    );
    if (retry.length === 0) {
      this.retryAttempt = 0;
      return;
    }
    const room = this.maxPending - this.pending.length;
    const kept = retry.slice(0, Math.max(0, room));
    for (const { signal, item } of retry.slice(kept.length)) {
      this.telemetry.emitDropped(signal, countItems(signal, item.data), 'queue_full');
    }
    this.pending = [...kept, ...this.pending];
    if (this.closed) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.flushSoon();
      },
      backoffDelay(this.retryAttempt, RETRY),
    );
    this.retryTimer.unref();
    this.retryAttempt++;
  }
}
