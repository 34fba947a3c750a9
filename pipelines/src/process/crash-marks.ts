// Quarantine for records that kill or hang the worker (RELIABILITY #28). Before a batch is worked
// on, the range of offsets in hand is written to a small file per partition; it is removed once the
// batch settled. A file found at start-up means the worker died with that range in hand: the
// partition's next batches over that range are then worked on one record at a time, each noted
// before it starts, and a record in hand at `maxCrashes` deaths is dead-lettered (stage
// `worker-crash`) instead of being tried again.
//
// The files are written without fsync: they must survive the process dying (the kernel keeps what
// was written), not the machine; a machine crash merely forgets a suspicion.
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Signal } from '../model/common.ts';

export interface CrashMark {
  first: bigint;
  last: bigint;
  /** Times a worker died (or gave up on a hang) with this range in hand. */
  crashes: number;
  /** The last error known for the range (a hang, an exit code), '' when none was seen. */
  lastError: string;
}

interface StoredMark {
  first: string;
  last: string;
  crashes: number;
  lastError: string;
}

export class CrashMarks {
  private dir: string | undefined;
  private readonly suspects = new Map<string, CrashMark>();
  private readonly logger: Logger;
  private writeFailed = false;
  /** What is in hand now, by partition (rewritten to disk as it changes). */
  private readonly inHand = new Map<string, CrashMark>();

  /** Without a directory nothing is noted (tests of other behaviour, a read-only deployment). */
  constructor(dir: string | undefined, logger: Logger) {
    this.dir = dir;
    this.logger = logger;
    if (dir === undefined) return;
    let names: string[];
    try {
      mkdirSync(dir, { recursive: true });
      names = readdirSync(dir);
    } catch (error) {
      // A read-only or missing volume must not keep the worker from running: it runs unguarded.
      this.dir = undefined;
      logger.error(
        { err: error, dir },
        'cannot keep crash marks in process.quarantine.dir; records that kill the worker are not quarantined',
      );
      return;
    }
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const stored = JSON.parse(readFileSync(join(dir, name), 'utf8')) as StoredMark;
        const mark: CrashMark = {
          first: BigInt(stored.first),
          last: BigInt(stored.last),
          crashes: stored.crashes + 1,
          lastError: stored.lastError || 'the worker stopped without a word (killed, out of memory, or exited)',
        };
        this.suspects.set(name.slice(0, -'.json'.length), mark);
        logger.warn(
          { partition: name, first: stored.first, last: stored.last, crashes: mark.crashes, lastError: mark.lastError },
          'the worker died with these records in hand; working on them one at a time',
        );
      } catch (error) {
        logger.warn({ err: error, file: name }, 'unreadable crash mark ignored');
      }
    }
  }

  /** The suspicion over `offset` of the partition, if a worker died (or hung) with it in hand. */
  crashesAt(signal: Signal, partition: number, offset: bigint): CrashMark | undefined {
    const mark = this.suspects.get(key(signal, partition));
    return mark && offset >= mark.first && offset <= mark.last ? mark : undefined;
  }

  /** True when records in [first, last] of the partition were in hand when a worker died. */
  isSuspect(signal: Signal, partition: number, first: bigint, last: bigint): boolean {
    const mark = this.suspects.get(key(signal, partition));
    return mark !== undefined && first <= mark.last && last >= mark.first;
  }

  /** Notes [first, last] as in hand; `crashes` carries the deaths already seen with it. */
  note(signal: Signal, partition: number, first: bigint, last: bigint, crashes = 0, lastError = ''): void {
    const mark = { first, last, crashes, lastError };
    this.inHand.set(key(signal, partition), mark);
    this.write(key(signal, partition), mark);
  }

  /** Records `error` as the last one seen for what is in hand (a hang the process then dies of). */
  noteError(signal: Signal, partition: number, error: string): void {
    const mark = this.inHand.get(key(signal, partition));
    if (!mark) return;
    mark.lastError = error;
    this.write(key(signal, partition), mark);
  }

  /** On `process.exit`: the exit code is the last word on whatever is in hand. */
  noteExit(code: number): void {
    for (const [id, mark] of this.inHand) {
      mark.lastError ||= `the process exited with code ${code}`;
      this.write(id, mark);
    }
  }

  /** One more failure for the suspect range (a hang given up on without dying). */
  giveUp(signal: Signal, partition: number, offset: bigint, error: string): void {
    const id = key(signal, partition);
    const current = this.suspects.get(id);
    if (current && offset >= current.first && offset <= current.last) {
      this.suspects.set(id, { first: offset, last: offset, crashes: current.crashes + 1, lastError: error });
    } else this.suspects.set(id, { first: offset, last: offset, crashes: 1, lastError: error });
  }

  /** The batch settled: nothing is in hand; a suspicion over records now committed is lifted. */
  settled(signal: Signal, partition: number, committedThrough: bigint | undefined): void {
    const id = key(signal, partition);
    this.inHand.delete(id);
    if (this.dir !== undefined) {
      try {
        unlinkSync(join(this.dir, `${id}.json`));
      } catch {
        // Already gone.
      }
    }
    const suspect = this.suspects.get(id);
    if (suspect && committedThrough !== undefined && committedThrough >= suspect.last) this.suspects.delete(id);
  }

  /** Where the marks are kept; undefined when they cannot be (then nothing is noted). */
  get directory(): string | undefined {
    return this.dir;
  }

  private write(id: string, mark: CrashMark): void {
    if (this.dir === undefined) return;
    const stored: StoredMark = {
      first: mark.first.toString(),
      last: mark.last.toString(),
      crashes: mark.crashes,
      lastError: mark.lastError,
    };
    try {
      writeFileSync(join(this.dir, `${id}.json`), JSON.stringify(stored));
    } catch (error) {
      // A full disk must not stop delivery: the record goes on unguarded, and that is logged once.
      if (!this.writeFailed)
        this.logger.error({ err: error, dir: this.dir }, 'cannot write a crash mark; going on without');
      this.writeFailed = true;
    }
  }
}

function key(signal: Signal, partition: number): string {
  return `${signal}-${partition}`;
}
