// One consumed batch: decode, process, fan out to the exporters, dead-letter what can never be
// delivered, and resolve only when every exporter confirmed (the consumer then commits).
//
// Commit rules (docs/ARCHITECTURE.md#process-loop):
// - resolve  = every record delivered to every exporter of its signal, or dead-lettered;
// - reject   = an exporter (or the dead-letter sink) cannot confirm now: nothing is committed, the
//              consumer hands the same records over again after a backoff;
// - dead letters are written only once the batch is otherwise complete, so a redelivered batch
//   does not dead-letter twice; exporters that already confirmed a redelivered batch are skipped.
import type { Logger } from 'pino';
import type { BatchHandler, BufferRecord, ConsumedBatch, DeadLetterReason, DeadLetterSink } from '../buffer/buffer.ts';
import type { ExportItem, ExportResult, SignalData } from '../components/component.ts';
import { isRetryable, OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import { DeliveryMemo, type DeliveryUnit } from './delivery-memo.ts';
import type { BatchEmits, EmitRouter } from './emit-router.ts';
import { countItems } from './item-count.ts';
import type { PipelineGraph } from './pipeline-graph.ts';
import type { ProcessTelemetry } from './process-telemetry.ts';
import { recordContext } from './record-context.ts';

/** Bytes of one buffered record to the data model; throws on anything malformed. */
export type DecodeFn = <S extends Signal>(signal: S, bytes: Uint8Array) => SignalData[S];

export interface BatchHandlerDeps {
  graph: PipelineGraph;
  decode: DecodeFn;
  deadLetters: DeadLetterSink;
  emits: EmitRouter;
  telemetry: ProcessTelemetry;
  logger: Logger;
}

interface DeadLetter {
  record: BufferRecord;
  reason: DeadLetterReason;
}

export function createBatchHandler(deps: BatchHandlerDeps): BatchHandler {
  const { graph, telemetry, logger } = deps;
  const memo = new DeliveryMemo();
  const warnedNoPipeline = new Set<Signal>();

  return async (batch: ConsumedBatch) => {
    const started = performance.now();
    const { signal, records } = batch;
    telemetry.consumed(signal, records.length);
    const pipeline = graph.pipeline(signal);
    if (!pipeline) {
      telemetry.dropped(signal, records.length);
      if (!warnedNoPipeline.has(signal)) {
        warnedNoPipeline.add(signal);
        logger.warn({ signal }, 'records consumed for a signal with no pipeline are committed and not exported');
      }
      return;
    }
    if (records.length === 0) return;

    const deadLetters: DeadLetter[] = [];
    const items: ExportItem[] = [];
    const itemRecords: BufferRecord[] = [];
    const emits: BatchEmits = { source: { partition: batch.partition, offset: -1n }, bySignal: new Map() };

    const processing = deps.emits.runInBatch(emits, async () => {
      for (const record of records) {
        let data: SignalData[Signal];
        try {
          data = deps.decode(signal, record.value);
        } catch (error) {
          deadLetters.push({ record, reason: { stage: 'decode', reason: messageOf(error) } });
          continue;
        }
        const ctx = recordContext(record.headers);
        emits.source = { partition: record.partition, offset: record.offset };
        let failedAt: string | undefined;
        for (const node of pipeline.processors) {
          try {
            const out = node.processor.process(signal, data, ctx);
            // Most processors are synchronous: no microtask per record for them.
            data = out instanceof Promise ? await out : out;
          } catch (error) {
            // A processor that cannot work now (not a bad record) retries the whole batch.
            if (error instanceof OtelgateError && error.retryable) throw error;
            deadLetters.push({ record, reason: { stage: node.id, reason: messageOf(error) } });
            failedAt = node.id;
            break;
          }
        }
        if (failedAt !== undefined) continue;
        telemetry.processed(signal, countItems(signal, data));
        items.push({ data, ctx, source: { partition: record.partition, offset: record.offset } });
        itemRecords.push(record);
      }
    });
    try {
      await processing;
    } catch (error) {
      telemetry.batchSettled(signal, (performance.now() - started) / 1000, 'retry');
      throw error;
    }

    const units: DeliveryUnit[] = [];
    if (items.length > 0) {
      for (const { id, exporter } of pipeline.exporters)
        units.push({ exporterId: id, exporter, signal, items, derived: false });
    }
    for (const [emitted, emittedItems] of emits.bySignal) {
      for (const { id, exporter } of graph.pipeline(emitted)?.exporters ?? []) {
        units.push({ exporterId: id, exporter, signal: emitted, items: emittedItems, derived: true });
      }
    }

    const confirmed = memo.confirmedFor(batch);
    const outcomes = await Promise.allSettled(
      units.map(async (unit): Promise<ExportResult> => {
        const remembered = confirmed?.get(memo.unitKey(unit));
        if (remembered) return remembered;
        try {
          const result = await unit.exporter.export(unit.signal, unit.items);
          // Telemetry counts spans / points / log records, not buffer records.
          const rejected = new Set(result.rejected.map(({ index }) => index));
          telemetry.exported(
            unit.exporterId,
            unit.signal,
            telemetryItems(unit, (index) => !rejected.has(index)),
          );
          if (rejected.size > 0)
            telemetry.failed(
              unit.exporterId,
              unit.signal,
              telemetryItems(unit, (index) => rejected.has(index)),
              'rejected',
            );
          return result;
        } catch (error) {
          if (isRetryable(error)) {
            telemetry.failed(
              unit.exporterId,
              unit.signal,
              telemetryItems(unit, () => true),
              'retryable',
            );
            throw error;
          }
          // Refused for good as a whole: every item is rejected with the same reason.
          telemetry.failed(
            unit.exporterId,
            unit.signal,
            telemetryItems(unit, () => true),
            'rejected',
          );
          const reason = messageOf(error);
          return { rejected: unit.items.map((_, index) => ({ index, reason })) };
        }
      }),
    );

    const delivered = new Map<string, ExportResult>();
    let retryError: unknown;
    let retryExporter: string | undefined;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') delivered.set(memo.unitKey(units[index]), outcome.value);
      else if (retryError === undefined) {
        retryError = outcome.reason;
        retryExporter = units[index].exporterId;
      }
    });
    if (retryError !== undefined) {
      memo.remember(batch, delivered);
      telemetry.batchSettled(signal, (performance.now() - started) / 1000, 'retry');
      throw new OtelgateError('retryable', `exporter ${retryExporter} cannot confirm now: ${messageOf(retryError)}`, {
        cause: retryError,
      });
    }

    units.forEach((unit, index) => {
      const result = outcomes[index].status === 'fulfilled' ? (outcomes[index].value as ExportResult) : undefined;
      for (const rejection of result?.rejected ?? []) {
        if (unit.derived) {
          telemetry.emitDropped(unit.signal, 1, 'rejected');
          logger.warn(
            { exporter: unit.exporterId, signal: unit.signal, reason: rejection.reason },
            'derived item rejected',
          );
          continue;
        }
        const record = itemRecords[rejection.index];
        if (record) deadLetters.push({ record, reason: { stage: unit.exporterId, reason: rejection.reason } });
      }
    });

    try {
      for (const letter of deadLetters) {
        await deps.deadLetters.write(letter.record, letter.reason);
        telemetry.deadLettered(signal, letter.reason.stage);
        logger.warn(
          {
            signal,
            partition: letter.record.partition,
            offset: letter.record.offset.toString(),
            stage: letter.reason.stage,
            reason: letter.reason.reason,
          },
          'record dead-lettered',
        );
      }
    } catch (error) {
      // Every exporter confirmed: on redelivery only the dead letters are written again.
      memo.remember(batch, delivered);
      telemetry.batchSettled(signal, (performance.now() - started) / 1000, 'retry');
      throw new OtelgateError('retryable', `dead-letter sink cannot confirm now: ${messageOf(error)}`, {
        cause: error,
      });
    }
    memo.forget(batch);
    telemetry.batchSettled(signal, (performance.now() - started) / 1000, 'committed');
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Spans / data points / log records in the unit's items that `include` selects (by item index). */
function telemetryItems(unit: DeliveryUnit, include: (index: number) => boolean): number {
  let total = 0;
  unit.items.forEach((item, index) => {
    if (include(index)) total += countItems(unit.signal, item.data);
  });
  return total;
}
