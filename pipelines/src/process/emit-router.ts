// Delivers what processors emitted outside a batch (a periodic flush; graph.emitted) to the
// exporters of its signal, through the same chunk delivery as a batch's own items: checked every
// `pollMs`, retried with backoff while an exporter cannot confirm, bounded by the queue. Lost on a
// crash, like any in-memory aggregate. (Data derived while a record is processed travels with the
// record's chunk instead: batch-run.ts.)
import type { Logger } from 'pino';
import type { ExportItem } from '../components/component.ts';
import { type BackoffPolicy, backoffDelay } from '../delivery/backoff.ts';
import type { Signal } from '../model/common.ts';
import { deliverChunk } from './chunk-delivery.ts';
import type { EmitQueue, QueuedEmit } from './emit-queue.ts';
import { countItems } from './item-count.ts';
import type { PipelineGraph } from './pipeline-graph.ts';
import type { ProcessTelemetry } from './process-telemetry.ts';

const RETRY: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };
const POLL_MS = 200;

export class EmitRouter {
  private readonly graph: PipelineGraph;
  private readonly telemetry: ProcessTelemetry;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private delivering: Promise<void> | undefined;
  private retryAttempt = 0;
  private retryAt = 0;

  constructor(options: { graph: PipelineGraph; telemetry: ProcessTelemetry; logger: Logger }) {
    this.graph = options.graph;
    this.telemetry = options.telemetry;
    this.logger = options.logger;
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
  }

  private get queue(): EmitQueue {
    return this.graph.emitted;
  }

  /** Delivers what is queued, one last attempt; what is left is dropped as `stopped`. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.delivering;
    this.queue.close();
    await this.deliver();
    for (const entry of this.queue.take()) this.queue.drop(entry, 'stopped');
    this.countDrops();
  }

  private tick(): void {
    this.countDrops();
    if (this.delivering || this.queue.size === 0 || Date.now() < this.retryAt) return;
    this.delivering = this.deliver().finally(() => {
      this.delivering = undefined;
    });
  }

  private async deliver(): Promise<void> {
    const taken = this.queue.take();
    if (taken.length === 0) return;
    const emitted = new Map<Signal, ExportItem[]>();
    for (const { signal, item } of taken) {
      if (!this.graph.pipeline(signal)) {
        this.telemetry.emitDropped(signal, countItems(signal, item.data), 'no_pipeline');
        continue;
      }
      const items = emitted.get(signal);
      if (items) items.push(item);
      else emitted.set(signal, [item]);
    }
    if (emitted.size === 0) return;
    try {
      const chunk = { key: 'emitted', items: [], itemRecords: [], emitted };
      // Derived items refused for good are counted and logged there, never dead-lettered.
      const deps = { graph: this.graph, telemetry: this.telemetry, logger: this.logger };
      await deliverChunk(deps, taken[0].signal, chunk, new Map());
      this.retryAttempt = 0;
      this.retryAt = 0;
    } catch (error) {
      // Exporters are idempotent: re-sending to those that confirmed is harmless.
      const delay = backoffDelay(this.retryAttempt++, RETRY);
      this.retryAt = Date.now() + delay;
      this.logger.warn({ err: error, retryInMs: delay }, 'emitted data not delivered; retrying');
      const kept: QueuedEmit[] = [];
      for (const [signal, items] of emitted) for (const item of items) kept.push({ signal, item });
      this.queue.putBack(kept);
    }
  }

  private countDrops(): void {
    for (const drop of this.queue.takeDrops()) this.telemetry.emitDropped(drop.signal, drop.items, drop.reason);
  }
}
