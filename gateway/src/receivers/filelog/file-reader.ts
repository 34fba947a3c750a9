// Follows one file (one inode): reads complete lines from where it left off, turns them into
// records through the format parser and the record assembler, and knows the offset up to which
// every line has been handed on (its checkpoint once the batch holding them is durable).
//
// Hot path: lines are found with Buffer.indexOf in one read buffer shared by every file, so a
// file costs no memory of its own beyond the records it is assembling. A line not yet ended by
// `\n` is not consumed; it is read again next time (or sent as is once the file goes quiet).
// Plain lines that need no parsing or joining and are valid UTF-8 are not decoded at all: their
// bytes go from the read buffer into the batch's encoded request (LogBatch.addLine).
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, readSync, type Stats } from 'node:fs';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { RE2JS } from 're2js';
import type { FilelogConfig } from './config.ts';
import {
  type ContainerLine,
  detectFormat,
  type LineFormat,
  parseCriLine,
  parseDockerLine,
} from './container-formats.ts';
import { Fingerprint } from './fingerprint.ts';
import type { LogBatch } from './log-batch.ts';
import type { FilelogMetrics } from './metrics.ts';
import { fileAttributes, resourceAttributesOf } from './path-attributes.ts';
import { type AssembledRecord, RecordAssembler } from './record-assembler.ts';
import type { RecordBuilder } from './record-builder.ts';

/** U+FFFD in UTF-8: a line holding it is counted as invalid UTF-8 (see #emit), so it takes the decoding path. */
const REPLACEMENT_CHARACTER = Buffer.from('\uFFFD', 'utf8');

/** Lines before `until` (not yet durable) are sent with this observed time: what they had before a restart. */
export interface ReplayRange {
  until: number;
  observedTimeUnixNano: bigint;
}

/** What a truncated file held: its first bytes, where reading was, and what of that was durable. */
export interface TruncatedContent {
  bytes: Buffer;
  offset: number;
  durable: number;
  /** The file's replay ranges when it was truncated: its copy re-sends those lines with the same times. */
  replay: ReplayRange[];
}

export interface FileReaderShared {
  config: FilelogConfig;
  lineStart: RE2JS | undefined;
  build: RecordBuilder;
  metrics: FilelogMetrics;
  /** One read buffer for every file, `maxLogSizeBytes + 1` long: a line that fills it is too long. */
  readBuffer: Buffer;
  /** A file was truncated: what it held before, so its copy (copytruncate) continues from there. */
  onTruncated(before: TruncatedContent): void;
}

export class FileReader {
  path: string;
  readonly key: string;
  readonly fingerprint: Fingerprint;
  readonly resourceAttributes: KeyValue[];
  /** Lines before this offset were emitted or are held by an assembler. */
  offset: number;
  /** Lines before this offset are durable in the buffer: the checkpoint. */
  durableOffset: number;
  /** The path no longer names this file (renamed away or deleted): finish it, then close. */
  gone = false;
  /** Consecutive polls that did not find this file under any matched path. */
  missedPolls = 0;
  lastDataAt = Date.now();
  readonly #fd: number;
  readonly #shared: FileReaderShared;
  #format: LineFormat | undefined;
  #fileAttributes: KeyValue[];
  readonly #attributeBytes: number;
  readonly #streamAttributes = new Map<string, KeyValue[]>();
  readonly #assemblers = new Map<string, RecordAssembler>();
  /** Discarding the rest of a line that was cut at maxLogSizeBytes. */
  #skipping = false;
  #tail = { offset: -1, size: 0, since: 0 };
  #batch: LogBatch | undefined;
  /**
   * After a restart, the lines of the append that was in flight when the gateway stopped (it may
   * have reached the buffer): re-sent with the observed time they had, so they are the same
   * records and an idempotent sink (Elasticsearch's content-hash _id) keeps one copy.
   */
  replay: ReplayRange[] = [];
  #lineTruncated = false;
  /** Plain lines (once the format is known) can go to the batch as bytes: no multi-line joining, no severity. */
  readonly #linesAsBytes: boolean;

  constructor(path: string, fd: number, stats: Stats, offset: number, shared: FileReaderShared) {
    this.path = path;
    this.key = `${stats.dev}:${stats.ino}`;
    this.#fd = fd;
    this.#shared = shared;
    this.fingerprint = new Fingerprint(shared.config.fingerprintSize);
    this.fingerprint.refresh(fd, stats.size);
    this.offset = offset;
    this.durableOffset = offset;
    this.resourceAttributes = resourceAttributesOf(path);
    this.#fileAttributes = fileAttributes(path);
    this.#attributeBytes = 2 * path.length + 64;
    this.#format = shared.config.format === 'auto' ? undefined : shared.config.format;
    this.#linesAsBytes =
      (this.#format === undefined || this.#format === 'plain') &&
      shared.lineStart === undefined &&
      shared.config.severity === undefined;
  }

  /** Where reading can resume after a restart: before the first line not yet emitted. */
  committable(): number {
    let min = this.offset;
    for (const assembler of this.#assemblers.values()) {
      const start = assembler.pendingStart;
      if (start !== undefined && start < min) min = start;
    }
    return min;
  }

  /** True while lines are held or not yet durable: a gone file is closed only once this is false. */
  get busy(): boolean {
    return this.committable() !== this.offset || this.durableOffset !== this.offset;
  }

  /**
   * Checks the file at its path for copytruncate (smaller than what was read, or its first bytes
   * changed) and starts over from its beginning if so.
   */
  checkTruncation(batch: LogBatch, size: number): TruncatedContent | undefined {
    if (size >= this.offset && this.fingerprint.matches(this.#fd, size)) return undefined;
    this.#shared.metrics.rotations.add(1, { kind: 'truncate' });
    const before = {
      bytes: this.fingerprint.bytes,
      offset: this.offset,
      durable: this.durableOffset,
      replay: this.replay,
    };
    this.#withBatch(batch, () => {
      for (const assembler of this.#assemblers.values()) assembler.flush();
    });
    // The offsets belonged to the old content: a checkpoint pairing them with the new fingerprint
    // would make a restart skip that much of the new content.
    this.offset = 0;
    this.durableOffset = 0;
    this.replay = [];
    this.#skipping = false;
    this.#tail.offset = -1;
    this.fingerprint.reset();
    this.fingerprint.refresh(this.#fd, size);
    batch.mark(this, 0);
    return before;
  }

  /** Reads what was appended since the last call into `batch`, until the end or the batch is full. */
  read(batch: LogBatch, now: number): boolean {
    const buffer = this.#shared.readBuffer;
    let progressed = false;
    this.#withBatch(batch, () => {
      while (!batch.full) {
        const length = readSync(this.#fd, buffer, 0, buffer.length, this.offset);
        // Before trusting bytes just read, or when there are none: was the file truncated
        // (copytruncate) and perhaps written past our offset again? Then its first bytes changed,
        // and the bytes read belong to the new content: they are read again from its start.
        const size = length === 0 ? fstatSync(this.#fd).size : this.offset + length;
        const before = this.checkTruncation(batch, size);
        if (before) {
          this.#shared.onTruncated(before);
          progressed = true;
          continue;
        }
        if (length === 0) break;
        const consumed = this.#lines(buffer, length, batch);
        if (consumed > 0) {
          this.offset += consumed;
          progressed = true;
          this.lastDataAt = now;
          this.#tail.offset = -1;
          continue;
        }
        if (batch.full) break;
        // No complete line: a line too long for the buffer, or an unterminated tail.
        if (length === buffer.length) {
          this.#overlong(buffer, length);
          progressed = true;
          this.lastDataAt = now;
          continue;
        }
        if (this.#unterminatedTail(buffer, length, now)) {
          progressed = true;
          continue;
        }
        break;
      }
      if (this.fingerprint.growing) this.fingerprint.refresh(this.#fd, this.offset);
    });
    batch.mark(this, this.committable());
    return progressed;
  }

  /** Sends what the assemblers hold once the file has been quiet for forceFlushMs. */
  flushIdle(batch: LogBatch, now: number): void {
    if (now - this.lastDataAt < this.#shared.config.forceFlushMs) return;
    if (this.committable() === this.offset) return;
    this.#withBatch(batch, () => {
      for (const assembler of this.#assemblers.values()) assembler.flush();
    });
    batch.mark(this, this.committable());
  }

  close(): void {
    closeSync(this.#fd);
  }

  /** Bytes of complete lines handled from `buffer` (0 when the first line is not complete). */
  #lines(buffer: Buffer, length: number, batch: LogBatch): number {
    // A file found to be Docker or CRI (format auto) is not checked: its lines are parsed anyway.
    const asBytes =
      this.#linesAsBytes &&
      this.#format !== 'docker' &&
      this.#format !== 'cri' &&
      batch.encodeAsAdded &&
      validText(buffer, length);
    let position = 0;
    while (position < length && !batch.full) {
      const newline = buffer.indexOf(10, position);
      if (newline < 0 || newline >= length) break;
      if (this.#skipping) {
        this.#skipping = false;
      } else {
        const end = newline > position && buffer[newline - 1] === 13 ? newline - 1 : newline;
        if (asBytes && this.#format === 'plain') this.#plainLine(buffer, position, end, batch);
        else this.#line(buffer.toString('utf8', position, end), this.offset + position);
      }
      position = newline + 1;
    }
    return position;
  }

  /** What #line and #emit do for a complete plain line of valid UTF-8, without a string or a record. */
  #plainLine(buffer: Buffer, start: number, end: number, batch: LogBatch): void {
    if (end === start) return;
    const offset = this.offset + start;
    let observed = batch.observedTimeUnixNano;
    for (const range of this.replay) {
      if (offset < range.until) {
        observed = range.observedTimeUnixNano;
        break;
      }
    }
    batch.addLine(this, buffer, start, end, observed, this.#fileAttributes, end - start + this.#attributeBytes + 48);
  }

  /** A line longer than maxLogSizeBytes: its first maxLogSizeBytes are sent, the rest skipped. */
  #overlong(buffer: Buffer, length: number): void {
    if (!this.#skipping) {
      this.#lineTruncated = true;
      this.#line(buffer.toString('utf8', 0, length - 1), this.offset);
      this.#lineTruncated = false;
      this.#skipping = true;
    }
    this.offset += length;
  }

  /** A last line without `\n`: sent once it stayed unchanged for forceFlushMs. */
  #unterminatedTail(buffer: Buffer, length: number, now: number): boolean {
    const tail = this.#tail;
    if (tail.offset !== this.offset || tail.size !== length) {
      tail.offset = this.offset;
      tail.size = length;
      tail.since = now;
      return false;
    }
    if (now - tail.since < this.#shared.config.forceFlushMs) return false;
    if (this.#skipping) this.#skipping = false;
    else this.#line(buffer.toString('utf8', 0, length), this.offset);
    this.offset += length;
    tail.offset = -1;
    return true;
  }

  #line(text: string, start: number): void {
    if (this.#format === undefined) this.#format = detectFormat(text);
    if (this.#format === 'plain') {
      this.#assembler('').push(text, 0n, false, start, this.#lineTruncated);
      return;
    }
    const parsed: ContainerLine | undefined = this.#format === 'docker' ? parseDockerLine(text) : parseCriLine(text);
    if (!parsed) {
      this.#shared.metrics.malformedLines.add(1, { format: this.#format });
      this.#assembler('').push(text, 0n, false, start, this.#lineTruncated);
      return;
    }
    this.#assembler(parsed.stream).push(parsed.text, parsed.timeUnixNano, parsed.partial, start, this.#lineTruncated);
  }

  #assembler(stream: string): RecordAssembler {
    let assembler = this.#assemblers.get(stream);
    if (!assembler) {
      const attributes = stream
        ? [...this.#fileAttributes, { key: 'log.iostream', value: { stringValue: stream } }]
        : this.#fileAttributes;
      this.#streamAttributes.set(stream, attributes);
      assembler = new RecordAssembler(stream, this.#shared.config.maxLogSizeBytes, this.#shared.lineStart, (record) =>
        this.#emit(record),
      );
      this.#assemblers.set(stream, assembler);
    }
    return assembler;
  }

  #emit(record: AssembledRecord): void {
    if (record.text.length === 0) return;
    const { metrics, build } = this.#shared;
    if (record.truncated) metrics.truncatedRecords.add(1);
    if (record.text.includes('\uFFFD')) metrics.invalidUtf8Records.add(1);
    const attributes = this.#streamAttributes.get(record.stream) ?? this.#fileAttributes;
    const batch = this.#batch;
    // Every emit happens inside #withBatch; a record with nowhere to go would be skipped by the checkpoint.
    if (!batch) throw new Error(`filelog: a record of ${this.path} was emitted outside a batch`);
    let observed = batch.observedTimeUnixNano;
    for (const range of this.replay) {
      if (record.start < range.until) {
        observed = range.observedTimeUnixNano;
        break;
      }
    }
    // Encoded size, near enough: the body, the attributes, timestamps and framing.
    batch.add(this, build(record, attributes, observed), record.text.length + this.#attributeBytes + 48);
  }

  /** Re-entrant (a truncation found while reading flushes inside the read): restores the outer batch. */
  #withBatch(batch: LogBatch, work: () => void): void {
    const outer = this.#batch;
    this.#batch = batch;
    try {
      work();
    } finally {
      this.#batch = outer;
    }
  }

  /** Size of the open file (it may no longer have a path). */
  size(): number {
    return fstatSync(this.#fd).size;
  }
}

/**
 * The complete lines of `buffer[0, length)` are valid UTF-8 without U+FFFD. One check for them
 * all: `\n` never occurs inside a multi-byte sequence, so the whole is valid exactly when each
 * line is.
 */
function validText(buffer: Buffer, length: number): boolean {
  const end = buffer.lastIndexOf(10, length - 1) + 1;
  if (end === 0) return false;
  const text = buffer.subarray(0, end);
  return isUtf8(text) && !text.includes(REPLACEMENT_CHARACTER);
}
