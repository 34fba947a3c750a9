// The one way dead letters are listed and replayed, for every buffer (`otelgate dlq`, the admin
// `/dlq` endpoints): read the letters not yet replayed, filter, append each back to its source
// signal, then mark it replayed in the dead-letter storage. A replay interrupted between the append
// and the mark repeats at most one step (REPLAY_STEP letters) next time: at-least-once, like
// every other path to the exporters.
import { SIGNALS } from '../../model/common.ts';
import type { BufferProducer } from '../buffer.ts';
import { type DeadLetter, type DeadLetterStore, positionOf } from './dead-letter-store.ts';

export interface DeadLetterFilter {
  /** First dead-letter offset to look at, in each storage partition (default: the oldest kept). */
  fromOffset?: bigint;
  /** At most this many matching letters (default 100). */
  limit?: number;
  stage?: string;
  signal?: string;
  /** Substring of the reason. */
  reasonContains?: string;
}

export interface ReplayResult {
  replayed: number;
  /** Matching letters left in place because they name no signal we know (reported only when some were). */
  unreplayable?: string[];
}

export const DEFAULT_LIMIT = 100;
/** Letters appended before one mark is written. */
const REPLAY_STEP = 100;

/** The dead letters not yet replayed that match `filter`, at most `limit`, by storage partition and offset. */
export async function listDeadLetters(store: DeadLetterStore, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  const replayed = await replayedPositions(store);
  const letters: DeadLetter[] = [];
  if (limit <= 0) return letters;
  for await (const stored of store.scan()) {
    if (!('letter' in stored)) continue;
    const { letter } = stored;
    if (replayed.has(positionOf(letter)) || !matches(letter, filter)) continue;
    letters.push(letter);
    if (letters.length >= limit) break;
  }
  return letters.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}

/** Appends the matching letters back to their source signals and marks them replayed. */
export async function replayDeadLetters(
  store: DeadLetterStore,
  producer: BufferProducer,
  filter: DeadLetterFilter = {},
): Promise<ReplayResult> {
  return oneAtATime(store, async () => {
    const letters = await listDeadLetters(store, filter);
    const unreplayable = letters.filter((letter) => !isKnownSignal(letter.source.signal)).map(positionOf);
    const replayable = letters.filter((letter) => isKnownSignal(letter.source.signal));
    for (let start = 0; start < replayable.length; start += REPLAY_STEP) {
      const step = replayable.slice(start, start + REPLAY_STEP);
      for (const signal of SIGNALS) {
        const entries = step.filter((letter) => letter.source.signal === signal).map((letter) => letter.entry);
        if (entries.length > 0) await producer.append(signal, entries);
      }
      await store.markReplayed(step);
    }
    return unreplayable.length > 0 ? { replayed: replayable.length, unreplayable } : { replayed: replayable.length };
  });
}

function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  return (
    (filter.fromOffset === undefined || letter.offset >= filter.fromOffset) &&
    (filter.stage === undefined || letter.stage === filter.stage) &&
    (filter.signal === undefined || letter.source.signal === filter.signal) &&
    (filter.reasonContains === undefined || letter.reason.includes(filter.reasonContains))
  );
}

async function replayedPositions(store: DeadLetterStore): Promise<Set<string>> {
  const positions = new Set<string>();
  for await (const stored of store.scan()) {
    if ('replayed' in stored) for (const position of stored.replayed) positions.add(position);
  }
  return positions;
}

function isKnownSignal(signal: string | undefined): boolean {
  return signal !== undefined && (SIGNALS as readonly string[]).includes(signal);
}

// Two replays of one store at once (two admin requests) would both append the same letters.
const running = new WeakMap<DeadLetterStore, Promise<unknown>>();

async function oneAtATime<T>(store: DeadLetterStore, work: () => Promise<T>): Promise<T> {
  const before = running.get(store) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(work);
  running.set(store, mine);
  try {
    return await mine;
  } finally {
    if (running.get(store) === mine) running.delete(store);
  }
}
