// Runs a KafkaConsumer until a condition holds over everything it handed over, then stops it.
import type { BatchHandler, BufferRecord, ConsumedBatch } from '@otelgate/pipelines/buffer/buffer.ts';
import type { KafkaConsumer } from '@otelgate/pipelines/buffer/kafka/kafka-consumer.ts';

export interface ConsumeResult {
  records: BufferRecord[];
  batches: ConsumedBatch[];
}

/**
 * Hands every batch to `handler` (default: accept) and stops once `done` returns true over the
 * records accepted so far (then closes it: it leaves the group), or fails after `timeoutMs`.
 */
export async function consumeUntil(
  consumer: KafkaConsumer,
  done: (records: BufferRecord[]) => boolean,
  options: { timeoutMs?: number; handler?: BatchHandler } = {},
): Promise<ConsumeResult> {
  const result: ConsumeResult = { records: [], batches: [] };
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, options.timeoutMs ?? 60_000);
  await consumer.run(async (batch) => {
    await options.handler?.(batch);
    result.batches.push(batch);
    result.records.push(...batch.records);
    if (done(result.records)) abort.abort();
  }, abort.signal);
  clearTimeout(timer);
  // Leave the group, so the next consumer of the same group gets the partitions at once.
  await consumer.close();
  if (timedOut) throw new Error(`consumer stopped by timeout after ${result.records.length} records`);
  return result;
}
