// Derived data processors produce outside `process()` (spanmetrics' periodic flush), waiting for
// the process loop to deliver it: bounded; what does not fit is dropped and counted by reason.
import type { ExportItem, RecordContext, SignalData } from '../components/component.ts';
import type { Signal } from '../model/common.ts';
import { countItems } from './item-count.ts';

export interface QueuedEmit {
  signal: Signal;
  item: ExportItem;
}

export interface EmitDrop {
  signal: Signal;
  /** Spans / data points / log records. */
  items: number;
  reason: 'queue_full' | 'stopped';
}

export class EmitQueue {
  private pending: QueuedEmit[] = [];
  private drops: EmitDrop[] = [];
  private closed = false;
  private readonly capacity: number;

  /** `capacity`: emitted requests held at most (process.maxPendingEmits). */
  constructor(capacity = 1_000) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.pending.length;
  }

  push<S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext): void {
    const item: ExportItem = { data, ctx, source: { partition: -1, offset: -1n } };
    if (this.closed || this.pending.length >= this.capacity)
      this.drop({ signal, item }, this.closed ? 'stopped' : 'queue_full');
    else this.pending.push({ signal, item });
  }

  /** Everything queued, in order; the queue is empty after. */
  take(): QueuedEmit[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Puts back what could not be delivered yet, ahead of what came since (past capacity: dropped). */
  putBack(entries: QueuedEmit[]): void {
    const room = Math.max(0, this.capacity - this.pending.length);
    for (const entry of entries.slice(room)) this.drop(entry, this.closed ? 'stopped' : 'queue_full');
    this.pending = [...entries.slice(0, room), ...this.pending];
  }

  /** No more pushes; what is still queued is dropped as `stopped` by the caller's last take. */
  close(): void {
    this.closed = true;
  }

  /** Drops since the last call (the process loop counts them). */
  takeDrops(): EmitDrop[] {
    const drops = this.drops;
    this.drops = [];
    return drops;
  }

  drop(entry: QueuedEmit, reason: EmitDrop['reason']): void {
    this.drops.push({ signal: entry.signal, items: countItems(entry.signal, entry.item.data), reason });
  }
}
