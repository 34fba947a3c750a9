// What a buffer supplies for `otelgate dlq list|replay`: reading its dead-letter storage and
// durably marking letters as replayed. Filtering, limits and the replay itself are written once,
// in dead-letter-replay.ts.
import type { Signal } from '../../model/common.ts';
import type { BufferEntry } from '../buffer.ts';

/** A dead letter, whichever buffer holds it. */
export interface DeadLetter {
  /** Position in the dead-letter storage (embedded: always partition 0). */
  partition: number;
  offset: bigint;
  /** When it was dead-lettered (ms since the epoch). */
  deadLetteredAt: number;
  stage: string;
  reason: string;
  /** Where it came from; `signal` is undefined when the headers name none we know. */
  source: { signal: Signal | undefined; topic?: string; partition: number; offset: bigint; timestamp: number };
  /** The original record as it was buffered. */
  entry: BufferEntry;
}

/** One kept record of the dead-letter storage: a letter, or a mark naming letters already replayed. */
export type StoredDeadLetter = { letter: DeadLetter } | { replayed: readonly string[] };

export interface DeadLetterStore {
  /**
   * Every kept record, oldest first within each storage partition, up to the end as it was when
   * called. Throws rather than end early: a scan that missed marks would replay letters twice.
   */
  scan(): AsyncIterable<StoredDeadLetter>;
  /** Durably notes these letters as replayed (resolves once stored, like a dead-letter write). */
  markReplayed(letters: readonly DeadLetter[]): Promise<void>;
}

/**
 * A replay mark is a record in the dead-letter storage itself (same durability, same retention,
 * always newer than the letters it names) with an empty value and this header listing
 * `partition:offset` positions, comma-separated.
 */
export const REPLAYED_HEADER = 'otelgate-dlq-replayed';

export function positionOf(letter: Pick<DeadLetter, 'partition' | 'offset'>): string {
  return `${letter.partition}:${letter.offset}`;
}

export function replayMark(letters: readonly DeadLetter[]): BufferEntry {
  return { value: new Uint8Array(0), headers: { [REPLAYED_HEADER]: letters.map(positionOf).join(',') } };
}

/** The positions a record's headers mark as replayed, or undefined when it is a letter. */
export function markedPositions(headers: Record<string, string>): string[] | undefined {
  const value = headers[REPLAYED_HEADER];
  return value === undefined ? undefined : value.split(',').filter((position) => position.length > 0);
}
