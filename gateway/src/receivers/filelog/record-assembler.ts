// Turns the lines of one stream of one file into records: joins container partial lines (Docker
// entries without `\n`, CRI `P` entries) and, with a line-start pattern, joins continuation lines
// (stack traces) to the line that starts the record. Holds at most `maxBytes` per record.
import type { RE2JS } from 're2js';

/** Line-start patterns look at this much of a line: enough for any timestamp or level prefix. */
const PATTERN_WINDOW = 1024;

export interface AssembledRecord {
  text: string;
  /** File offset of its first line. */
  start: number;
  timeUnixNano: bigint;
  stream: string;
  truncated: boolean;
}

interface Pending {
  parts: string[];
  bytes: number;
  timeUnixNano: bigint;
  /** File offset of the first line that went into it. */
  start: number;
  truncated: boolean;
}

export class RecordAssembler {
  readonly #stream: string;
  readonly #maxBytes: number;
  readonly #lineStart: RE2JS | undefined;
  readonly #emit: (record: AssembledRecord) => void;
  #partial: Pending | undefined;
  #record: Pending | undefined;

  constructor(stream: string, maxBytes: number, lineStart: RE2JS | undefined, emit: (record: AssembledRecord) => void) {
    this.#stream = stream;
    this.#maxBytes = maxBytes;
    this.#lineStart = lineStart;
    this.#emit = emit;
  }

  /** Offset of the first line not yet emitted, if any is held. */
  get pendingStart(): number | undefined {
    if (this.#partial && this.#record) return Math.min(this.#partial.start, this.#record.start);
    return (this.#partial ?? this.#record)?.start;
  }

  /** One entry of the stream; `partial` when the same line continues in the next entry. */
  push(text: string, timeUnixNano: bigint, partial: boolean, start: number, truncated: boolean): void {
    if (partial || this.#partial) {
      const pending = this.#partial ?? newPending(timeUnixNano, start);
      this.#partial = pending;
      this.#append(pending, text, '');
      pending.truncated ||= truncated;
      if (partial) return;
      this.#partial = undefined;
      this.#line(joined(pending), pending.timeUnixNano, pending.start, pending.truncated);
      return;
    }
    this.#line(text, timeUnixNano, start, truncated);
  }

  /** Emits whatever is held (the file went quiet, or is being closed). */
  flush(): void {
    if (this.#partial) {
      const pending = this.#partial;
      this.#partial = undefined;
      this.#line(joined(pending), pending.timeUnixNano, pending.start, pending.truncated);
    }
    if (this.#record) {
      const record = this.#record;
      this.#record = undefined;
      this.#emitPending(record);
    }
  }

  #line(text: string, timeUnixNano: bigint, start: number, truncated: boolean): void {
    if (!this.#lineStart) {
      this.#emit({ text, start, timeUnixNano, stream: this.#stream, truncated });
      return;
    }
    const startsRecord = this.#lineStart.test(text.length > PATTERN_WINDOW ? text.slice(0, PATTERN_WINDOW) : text);
    if (startsRecord || !this.#record) {
      if (this.#record) this.#emitPending(this.#record);
      const record = newPending(timeUnixNano, start);
      this.#record = record;
      this.#append(record, text, '');
      record.truncated ||= truncated;
      return;
    }
    this.#append(this.#record, text, '\n');
    this.#record.truncated ||= truncated;
  }

  #append(pending: Pending, text: string, separator: string): void {
    const room = this.#maxBytes - pending.bytes;
    if (room <= 0) {
      pending.truncated = true;
      return;
    }
    let piece = pending.parts.length > 0 ? separator + text : text;
    if (piece.length > room) {
      piece = piece.slice(0, room);
      pending.truncated = true;
    }
    pending.parts.push(piece);
    pending.bytes += piece.length;
  }

  #emitPending(pending: Pending): void {
    this.#emit({
      text: joined(pending),
      start: pending.start,
      timeUnixNano: pending.timeUnixNano,
      stream: this.#stream,
      truncated: pending.truncated,
    });
  }
}

function newPending(timeUnixNano: bigint, start: number): Pending {
  return { parts: [], bytes: 0, timeUnixNano, start, truncated: false };
}

function joined(pending: Pending): string {
  return pending.parts.length === 1 ? pending.parts[0] : pending.parts.join('');
}
