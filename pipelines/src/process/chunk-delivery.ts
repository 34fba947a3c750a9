// Delivers one chunk (decoded items of a batch's records, and what processors emitted while they
// were processed) to every exporter of their signals. Resolves with the items refused for good;
// throws a retryable error when an exporter cannot confirm now (those that confirmed are
// remembered in `confirmed`, so the batch's redelivery skips them).
import type { BufferRecord, DeadLetterReason } from '../buffer/buffer.ts';
import type { ExportItem, ExportResult } from '../components/component.ts';
import { isRetryable, OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import type { DeliveryUnit } from './delivery-memo.ts';
import { countItems } from './item-count.ts';
import type { PipelineGraph } from './pipeline-graph.ts';
import type { ProcessTelemetry } from './process-telemetry.ts';
import type { Logger } from 'pino';

export interface Chunk {
  /** Identifies the chunk within its batch across redeliveries (first and last record/slice). */
  key: string;
  items: ExportItem[];
  /** The record each item was decoded from (same index). */
  itemRecords: BufferRecord[];
  /** Items processors emitted for other signals while this chunk's items were processed (or queued outside a batch). */
  emitted: Map<Signal, ExportItem[]>;
}

export interface DeadLetter {
  record: BufferRecord;
  reason: DeadLetterReason;
}

export interface ChunkDeliveryDeps {
  graph: PipelineGraph;
  telemetry: ProcessTelemetry;
  logger: Logger;
}

/** Delivers `chunk`; returns the dead letters for the batch's own items that were refused for good. */
export async function deliverChunk(
  deps: ChunkDeliveryDeps,
  signal: Signal,
  chunk: Chunk,
  confirmed: Map<string, ExportResult>,
): Promise<DeadLetter[]> {
  const units = unitsOf(deps.graph, signal, chunk);
  const outcomes = await Promise.allSettled(
    units.map((unit) => {
      const remembered = confirmed.get(memoKey(chunk, unit));
      return remembered ? Promise.resolve(remembered) : exportUnit(deps.telemetry, unit);
    }),
  );
  let retry: { error: unknown; exporter: string } | undefined;
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') confirmed.set(memoKey(chunk, units[index]), outcome.value);
    else retry ??= { error: outcome.reason, exporter: units[index].exporterId };
  });
  if (retry !== undefined) {
    throw new OtelgateError('retryable', `exporter ${retry.exporter} cannot confirm now: ${messageOf(retry.error)}`, {
      cause: retry.error,
    });
  }
  const deadLetters: DeadLetter[] = [];
  units.forEach((unit, index) => {
    for (const rejection of (outcomes[index] as PromiseFulfilledResult<ExportResult>).value.rejected) {
      if (unit.derived) {
        deps.telemetry.emitDropped(unit.signal, countItems(unit.signal, unit.items[rejection.index].data), 'rejected');
        deps.logger.warn(
          { exporter: unit.exporterId, signal: unit.signal, reason: rejection.reason },
          'derived item rejected',
        );
        continue;
      }
      const record = chunk.itemRecords[rejection.index];
      if (record) deadLetters.push({ record, reason: { stage: unit.exporterId, reason: rejection.reason } });
    }
  });
  return deadLetters;
}

function unitsOf(graph: PipelineGraph, signal: Signal, chunk: Chunk): DeliveryUnit[] {
  const units: DeliveryUnit[] = [];
  if (chunk.items.length > 0) {
    for (const { id, exporter } of graph.pipeline(signal)?.exporters ?? [])
      units.push({ exporterId: id, exporter, signal, items: chunk.items, derived: false });
  }
  for (const [emitted, items] of chunk.emitted) {
    for (const { id, exporter } of graph.pipeline(emitted)?.exporters ?? [])
      units.push({ exporterId: id, exporter, signal: emitted, items, derived: true });
  }
  return units;
}

/** One exporter's part: counts spans / points / log records sent and failed. */
async function exportUnit(telemetry: ProcessTelemetry, unit: DeliveryUnit): Promise<ExportResult> {
  try {
    const result = await unit.exporter.export(unit.signal, unit.items);
    const rejected = new Set(result.rejected.map(({ index }) => index));
    telemetry.exported(
      unit.exporterId,
      unit.signal,
      itemsOf(unit, (index) => !rejected.has(index)),
    );
    if (rejected.size > 0)
      telemetry.failed(
        unit.exporterId,
        unit.signal,
        itemsOf(unit, (index) => rejected.has(index)),
        'rejected',
      );
    return result;
  } catch (error) {
    const retryable = isRetryable(error);
    telemetry.failed(
      unit.exporterId,
      unit.signal,
      itemsOf(unit, () => true),
      retryable ? 'retryable' : 'rejected',
    );
    if (retryable) throw error;
    // Refused for good as a whole: every item is rejected with the same reason.
    const reason = messageOf(error);
    return { rejected: unit.items.map((_, index) => ({ index, reason })) };
  }
}

function memoKey(chunk: Chunk, unit: DeliveryUnit): string {
  return `${chunk.key}\u0000${unit.exporterId}\u0000${unit.signal}${unit.derived ? '\u0000derived' : ''}`;
}

/** Spans / data points / log records in the unit's items that `include` selects (by item index). */
function itemsOf(unit: DeliveryUnit, include: (index: number) => boolean): number {
  let total = 0;
  unit.items.forEach((item, index) => {
    if (include(index)) total += countItems(unit.signal, item.data);
  });
  return total;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
