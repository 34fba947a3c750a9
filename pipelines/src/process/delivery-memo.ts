// Remembers which exporters confirmed a batch that then had to be retried, so the redelivery of
// the very same records does not send to them again. Only an optimisation: exporters are
// idempotent, so forgetting (a different batch range, a restart) merely re-sends.
import type { ConsumedBatch } from '../buffer/buffer.ts';
import type { ExportItem, ExportResult, Exporter } from '../components/component.ts';
import type { Signal } from '../model/common.ts';

export interface DeliveryUnit {
  exporterId: string;
  exporter: Exporter;
  signal: Signal;
  items: ExportItem[];
  /** Emitted by a processor for another signal, not decoded from the batch's records. */
  derived: boolean;
}

interface Remembered {
  first: bigint;
  last: bigint;
  count: number;
  confirmed: Map<string, ExportResult>;
}

export class DeliveryMemo {
  /** One entry per partition: only its latest failed batch. */
  private readonly byPartition = new Map<string, Remembered>();

  remember(batch: ConsumedBatch, confirmed: Map<string, ExportResult>): void {
    const range = rangeOf(batch);
    if (!range) return;
    this.byPartition.set(partitionKey(batch), { ...range, confirmed });
  }

  /** What was confirmed for exactly this batch (same partition, same offsets), if anything. */
  confirmedFor(batch: ConsumedBatch): Map<string, ExportResult> | undefined {
    const remembered = this.byPartition.get(partitionKey(batch));
    const range = rangeOf(batch);
    if (!remembered || !range) return undefined;
    if (remembered.first !== range.first || remembered.last !== range.last || remembered.count !== range.count) {
      return undefined;
    }
    return remembered.confirmed;
  }

  forget(batch: ConsumedBatch): void {
    this.byPartition.delete(partitionKey(batch));
  }
}

function partitionKey(batch: ConsumedBatch): string {
  return `${batch.signal}/${batch.partition}`;
}

function rangeOf(batch: ConsumedBatch): { first: bigint; last: bigint; count: number } | undefined {
  if (batch.records.length === 0) return undefined;
  return {
    first: batch.records[0].offset,
    last: batch.records[batch.records.length - 1].offset,
    count: batch.records.length,
  };
}
