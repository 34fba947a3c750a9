import type { BufferEntry, BufferProducer } from '@otelgate/pipelines/buffer/buffer.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';

/** A dead letter as `otelgate dlq` shows it, whichever buffer holds it. */
export interface DeadLetterView {
  offset: bigint;
  deadLetteredAt: number;
  stage: string;
  reason: string;
  source: { signal: Signal; partition: number; offset: bigint };
  entry: BufferEntry;
}

export interface DeadLetterFilter {
  fromOffset?: bigint;
  limit?: number;
  stage?: string;
  signal?: Signal;
  /** Substring of the reason. */
  reasonContains?: string;
}

/** Listing and replaying dead letters; the embedded log and Kafka each provide one. */
export interface DeadLetterStore {
  list(query: { fromOffset?: bigint; limit?: number }): Promise<DeadLetterView[]>;
}

export async function listDeadLetters(store: DeadLetterStore, filter: DeadLetterFilter): Promise<DeadLetterView[]> {
  const letters = await store.list({ fromOffset: filter.fromOffset, limit: filter.limit ?? 100 });
  return letters.filter(
    (letter) =>
      (filter.stage === undefined || letter.stage === filter.stage) &&
      (filter.signal === undefined || letter.source.signal === filter.signal) &&
      (filter.reasonContains === undefined || letter.reason.includes(filter.reasonContains)),
  );
}

/** Appends the selected dead letters back to their source signal; they flow through the pipelines again. */
export async function replayDeadLetters(
  store: DeadLetterStore,
  producer: BufferProducer,
  filter: DeadLetterFilter,
): Promise<number> {
  const letters = await listDeadLetters(store, filter);
  for (const letter of letters) await producer.append(letter.source.signal, [letter.entry]);
  return letters.length;
}

/** JSON-friendly summary (bigints as strings, payload size instead of payload). */
export function describeDeadLetter(letter: DeadLetterView): Record<string, unknown> {
  return {
    offset: String(letter.offset),
    deadLetteredAt: new Date(letter.deadLetteredAt).toISOString(),
    stage: letter.stage,
    reason: letter.reason,
    source: { signal: letter.source.signal, partition: letter.source.partition, offset: String(letter.source.offset) },
    tenant: letter.entry.headers['otelgate-tenant'],
    bytes: letter.entry.value.length,
  };
}
