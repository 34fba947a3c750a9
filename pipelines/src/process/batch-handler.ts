// One consumed batch: decode, process and deliver it chunk by chunk (batch-run.ts), dead-letter
// what can never be delivered, and resolve only when every exporter confirmed every chunk (the
// consumer then commits).
//
// Commit rules (docs/ARCHITECTURE.md#process-loop):
// - resolve  = every record delivered to every exporter of its signal, or dead-lettered;
// - reject   = an exporter (or the dead-letter sink) cannot confirm now: nothing is committed, the
//              consumer hands the same records over again after a backoff;
// - dead letters are written only once the batch is otherwise complete, so a redelivered batch
//   does not dead-letter twice; exporters that already confirmed a chunk of a redelivered batch
//   are skipped for it.
import type { BatchHandler, ConsumedBatch, DeadLetterSink } from '../buffer/buffer.ts';
import type { ExportResult } from '../components/component.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import { BatchRun, type BatchRunDeps } from './batch-run.ts';
import { type DeadLetter, messageOf } from './chunk-delivery.ts';
import { DeliveryMemo } from './delivery-memo.ts';
import type { ProcessTelemetry } from './process-telemetry.ts';

export interface BatchHandlerDeps extends BatchRunDeps {
  deadLetters: DeadLetterSink;
}

export function createBatchHandler(deps: BatchHandlerDeps): BatchHandler {
  const { graph, telemetry, logger, marks, maxCrashes } = deps;
  const memo = new DeliveryMemo();
  const warnedNoPipeline = new Set<Signal>();

  return async (batch: ConsumedBatch) => {
    const started = performance.now();
    const { signal, records, partition } = batch;
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
    const first = records[0].offset;
    const last = records[records.length - 1].offset;
    const careful = maxCrashes > 0 && marks.isSuspect(signal, partition, first, last);
    if (maxCrashes > 0 && !careful) marks.note(signal, partition, first, last);
    const confirmed = memo.confirmedFor(batch) ?? new Map<string, ExportResult>();
    let outcome: 'committed' | 'retry' = 'retry';
    try {
      const deadLetters = await new BatchRun(deps, batch, pipeline, careful, confirmed).run();
      await writeDeadLetters(deps, signal, deadLetters);
      outcome = 'committed';
      memo.forget(batch);
    } catch (error) {
      // Exporters that confirmed are skipped on redelivery (only the dead letters, when it was the sink).
      memo.remember(batch, confirmed);
      throw error;
    } finally {
      if (maxCrashes > 0) marks.settled(signal, partition, outcome === 'committed' ? last : undefined);
      telemetry.batchSettled(signal, (performance.now() - started) / 1000, outcome);
    }
  };
}

async function writeDeadLetters(
  deps: { deadLetters: DeadLetterSink; telemetry: ProcessTelemetry; logger: BatchHandlerDeps['logger'] },
  signal: Signal,
  letters: DeadLetter[],
): Promise<void> {
  try {
    for (const letter of letters) {
      await deps.deadLetters.write(letter.record, letter.reason);
      deps.telemetry.deadLettered(signal, letter.reason.stage);
      deps.logger.warn(
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
    throw new OtelgateError('retryable', `dead-letter sink cannot confirm now: ${messageOf(error)}`, {
      cause: error,
    });
  }
}
