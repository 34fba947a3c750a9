// The filelog receiver's loop: find files, read what was appended, append it to the buffer as
// one OTLP logs request, and only then move each file's checkpoint past what was sent. One
// append at a time, so a checkpoint never runs ahead of the buffer.
import { closeSync, fstatSync, openSync, type Stats } from 'node:fs';
import { asOtelgateError, mappingFor } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Logger } from 'pino';
import type { SubmitLogs } from '../logs/submit-logs.ts';
import type { Checkpoint, CheckpointStore } from './checkpoint-store.ts';
import type { FilelogConfig } from './config.ts';
import { findFiles } from './file-discovery.ts';
import { FileReader, type FileReaderShared, type ReplayRange, type TruncatedContent } from './file-reader.ts';
import { hashOf } from './fingerprint.ts';
import { LogBatch } from './log-batch.ts';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
/** A file that lost its path is closed after it has been quiet this long (a writer may still hold it). */
const GONE_GRACE_MS = 1_000;
/**
 * Checkpoints read at start that no file claimed are kept this long (and at least this many
 * polls): a file rotated while a poll lists the directory (renamed, or copied then truncated) is
 * only seen under its new name by a later poll, and must still find its checkpoint there.
 */
const UNCLAIMED_GRACE_MS = 2_000;
const UNCLAIMED_GRACE_POLLS = 3;

/** Where reading a newly followed file starts, and what of that is durable (its checkpoint). */
interface Start {
  offset: number;
  durable: number;
  replay: ReplayRange[];
}

export interface FilelogReceiverOptions {
  config: FilelogConfig;
  shared: FileReaderShared;
  checkpoints: CheckpointStore;
  submit: SubmitLogs;
  logger: Logger;
}

export class FilelogReceiver {
  readonly #options: FilelogReceiverOptions;
  readonly #readers = new Map<string, FileReader>();
  readonly #sizes = new Map<FileReader, number>();
  #stopping = false;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  /** Discovery polls finished; 0 during the first (where `startAt` applies on a first start). */
  #polls = 0;
  readonly #startedAt = Date.now();
  #unclaimedDropped = false;
  /** The last append succeeded but the checkpoint file still shows it pending. */
  #checkpointStale = false;
  /** What truncated files held before (copytruncate): their copy, found next, continues from there. */
  #truncated: (TruncatedContent & { at: number })[] = [];
  /** Buffers of delivered batches, written into by the next (LogBatch.recycle). */
  readonly #spares: Buffer[] = [];

  constructor(options: FilelogReceiverOptions) {
    this.#options = options;
  }

  noteTruncated(before: TruncatedContent): void {
    this.#truncated.push({ ...before, at: Date.now() });
  }

  get openFiles(): number {
    return this.#readers.size;
  }

  start(): void {
    this.#running = this.#run().catch((error: unknown) => {
      this.#options.logger.error({ err: error }, 'filelog receiver stopped on an unexpected error');
    });
  }

  /** Finishes the append in hand (its checkpoint included), then closes every file. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
    if (this.#checkpointStale) this.#writeCheckpoints();
    this.#options.checkpoints.close();
    for (const reader of this.#readers.values()) reader.close();
    this.#readers.clear();
  }

  async #run(): Promise<void> {
    const { config } = this.#options;
    let batch = this.#newBatch();
    let nextDiscovery = 0;
    while (!this.#stopping) {
      let now = Date.now();
      if (now >= nextDiscovery) {
        await this.#discover(batch);
        nextDiscovery = Date.now() + config.pollIntervalMs;
        now = Date.now();
      }
      let progressed = false;
      for (const reader of this.#readers.values()) {
        if (reader.read(batch, now)) progressed = true;
        if (batch.full) {
          await this.#flush(batch);
          batch = this.#newBatch();
          if (this.#stopping) return;
        }
        reader.flushIdle(batch, now);
      }
      if (batch.groups.size > 0) {
        await this.#flush(batch);
        batch = this.#newBatch();
      }
      if (this.#closeFinished(now) || (!progressed && this.#checkpointStale)) this.#writeCheckpoints();
      if (!progressed) await this.#sleep(config.pollIntervalMs);
    }
  }

  async #discover(batch: LogBatch): Promise<void> {
    const { config, checkpoints, shared } = this.#options;
    const found = await findFiles(config.include, config.exclude);
    const seen = new Set<string>();
    for (const file of found) {
      seen.add(file.key);
      const reader = this.#readers.get(file.key);
      if (reader) {
        if (reader.path !== file.path) reader.path = file.path; // renamed, still matched
        reader.gone = false;
        reader.missedPolls = 0;
        if (this.#sizes.get(reader) !== file.stats.size) {
          this.#sizes.set(reader, file.stats.size);
          const before = reader.checkTruncation(batch, file.stats.size);
          if (before) this.noteTruncated(before);
        }
        continue;
      }
      const opened = this.#open(file.path, file.stats, batch);
      if (opened) {
        seen.add(opened.key);
        this.#readers.set(opened.key, opened);
        this.#sizes.set(opened, file.stats.size);
      }
    }
    const forgetBefore = Date.now() - 10 * config.pollIntervalMs - GONE_GRACE_MS;
    this.#truncated = this.#truncated.filter((entry) => entry.at > forgetBefore);
    for (const reader of this.#readers.values()) {
      if (seen.has(reader.key)) continue;
      reader.missedPolls++;
      if (!reader.gone) {
        reader.gone = true;
        shared.metrics.rotations.add(1, { kind: 'rename' });
      }
    }
    const firstPoll = this.#polls === 0;
    this.#polls++;
    const unclaimedExpired = this.#polls >= UNCLAIMED_GRACE_POLLS && Date.now() - this.#startedAt >= UNCLAIMED_GRACE_MS;
    if (unclaimedExpired && !this.#unclaimedDropped) {
      this.#unclaimedDropped = true;
      checkpoints.dropUnclaimed(); // files gone while we were down
      this.#writeCheckpoints();
    } else if (firstPoll) {
      this.#writeCheckpoints();
    }
  }

  #open(path: string, stats: Stats, batch: LogBatch): FileReader | undefined {
    const { config, checkpoints, shared, logger } = this.#options;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      logger.warn({ err: error, path }, 'cannot open a matched log file; will retry');
      return undefined;
    }
    // The path may have been renamed and re-created between the listing and the open: the file
    // is the one the descriptor holds, whatever the listing said.
    const opened = fstatSync(fd);
    const identity = opened.ino === stats.ino && opened.dev === stats.dev ? stats : opened;
    const existing = this.#readers.get(`${identity.dev}:${identity.ino}`);
    if (existing) {
      closeSync(fd); // already followed (it was renamed here from a name listed earlier)
      existing.gone = false;
      existing.missedPolls = 0;
      return undefined;
    }
    const reader = new FileReader(path, fd, identity, 0, shared);
    const checkpoint = checkpoints.claim(path, reader.fingerprint.bytes);
    let start: Start = { offset: 0, durable: 0, replay: [] };
    if (checkpoint && checkpoint.offset > identity.size && !this.#unclaimedDropped) {
      // Shorter than where its checkpoint is: a copy still being written. Wait for the rest.
      checkpoints.unclaim(checkpoint);
      reader.close();
      return undefined;
    }
    if (checkpoint) {
      // Still shorter after the grace: truncated and rewritten with the same first bytes.
      const offset = checkpoint.offset <= identity.size ? checkpoint.offset : 0;
      const replay =
        checkpoint.pending && offset === checkpoint.offset
          ? checkpoint.pending.map((range) => ({
              until: range.to,
              observedTimeUnixNano: BigInt(range.observedTimeUnixNano),
            }))
          : [];
      start = { offset, durable: offset, replay };
    } else if (this.#polls === 0 && !checkpoints.existed && config.startAt === 'end') {
      start = { offset: identity.size, durable: identity.size, replay: [] };
    } else {
      const copied = this.#copiedFrom(reader.fingerprint.bytes, identity.size, batch);
      if (copied === 'wait') {
        reader.close();
        return undefined;
      }
      if (copied) start = copied;
    }
    reader.offset = start.offset;
    reader.durableOffset = start.durable;
    reader.replay = start.replay;
    logger.debug(
      {
        path,
        key: reader.key,
        offset: start.offset,
        size: identity.size,
        claimed: checkpoint && { path: checkpoint.path, offset: checkpoint.offset, length: checkpoint.length },
      },
      'following a log file',
    );
    return reader;
  }

  /**
   * Where a file without a checkpoint of its own starts. One that starts with the bytes of a file
   * just truncated is its copy (copytruncate): it continues where the original was, with the lines
   * not yet durable and the observed times they were (or are being) sent with, so a kill re-sends
   * them identically. `wait` leaves a file for the next poll: empty (what it is shows once it has
   * bytes), a copy still being written, or a copy of a file followed and not truncated yet (its
   * lines are read from the original; once it is truncated the copy continues from there).
   */
  #copiedFrom(firstBytes: Buffer, size: number, batch: LogBatch): Start | 'wait' | undefined {
    if (firstBytes.length === 0) return 'wait';
    const related = (bytes: Buffer) => {
      const length = Math.min(bytes.length, firstBytes.length);
      return length > 0 && firstBytes.subarray(0, length).equals(bytes.subarray(0, length));
    };
    for (const entry of this.#truncated) {
      if (!related(entry.bytes)) continue;
      if (firstBytes.length < entry.bytes.length || size < entry.offset) return 'wait';
      const replay = [...entry.replay];
      // Not durable yet: read from the original into the batch in hand (durable marks them at its flush).
      if (entry.durable < entry.offset) {
        replay.push({ until: entry.offset, observedTimeUnixNano: batch.observedTimeUnixNano });
      }
      return { offset: entry.offset, durable: entry.durable, replay };
    }
    for (const reader of this.#readers.values()) {
      if (!related(reader.fingerprint.bytes)) continue;
      if (!reader.gone || firstBytes.length < reader.fingerprint.length || size < reader.offset) return 'wait';
      return { offset: reader.offset, durable: reader.offset, replay: [] };
    }
    return undefined;
  }

  /** Appends the batch until it is durable (retrying what is retryable), then checkpoints it. */
  async #flush(batch: LogBatch): Promise<void> {
    const { config, submit, shared, logger } = this.#options;
    if (batch.count > 0) {
      const body = batch.encode();
      // Say what is in flight first: after a kill now, these lines are sent again identically.
      this.#writeCheckpoints(batch);
      let delay = RETRY_MIN_MS;
      for (let attempt = 1; ; attempt++) {
        try {
          await submit(body, { transport: 'filelog', tenant: config.tenant });
          if (attempt === 1) batch.recycle();
          break;
        } catch (error) {
          const failure = asOtelgateError(error);
          if (!mappingFor(failure.kind).retryable) {
            shared.metrics.droppedRecords.add(batch.count, { reason: failure.kind });
            logger.error({ err: failure, records: batch.count }, 'buffer refused file log records for good');
            break;
          }
          shared.metrics.appendRetries.add(1, { reason: failure.kind });
          if (this.#stopping) return; // not checkpointed: read again after the restart
          await this.#sleep(delay);
          delay = Math.min(delay * 2, RETRY_MAX_MS);
        }
      }
    }
    // A truncated file's lines read before the truncation were in this batch: durable now.
    for (const entry of this.#truncated) {
      entry.durable = entry.offset;
      if (entry.replay.length > 0) entry.replay = entry.replay.filter((range) => range.until > entry.durable);
    }
    for (const [reader, group] of batch.groups) {
      reader.durableOffset = group.committable;
      if (reader.replay.length > 0) reader.replay = reader.replay.filter((range) => range.until > reader.durableOffset);
    }
    // Under load the next append's checkpoint (written before it) records this one as done: one
    // write per append. A kill before that re-sends this batch identically (it is still pending).
    if (batch.count > 0) this.#checkpointStale = true;
    else this.#writeCheckpoints();
  }

  /** Closes files that lost their path and are finished; true if any was. */
  #closeFinished(now: number): boolean {
    let closed = false;
    for (const reader of this.#readers.values()) {
      // Missed by several polls: a file renamed between a listing and its stat is missed by one.
      if (!reader.gone || reader.missedPolls < 3 || reader.busy || now - reader.lastDataAt < GONE_GRACE_MS) continue;
      if (reader.size() > reader.offset) continue; // still written to under its new name
      reader.close();
      this.#readers.delete(reader.key);
      this.#sizes.delete(reader);
      closed = true;
    }
    return closed;
  }

  /** With `inFlight`, each file's lines in that batch are marked pending (see Checkpoint.pending). */
  #writeCheckpoints(inFlight?: LogBatch): void {
    this.#checkpointStale = false;
    const files: Checkpoint[] = [];
    for (const reader of this.#readers.values()) {
      const { fingerprint } = reader;
      if (fingerprint.length === 0) continue;
      const checkpoint: Checkpoint = {
        hash: fingerprint.hash,
        length: fingerprint.length,
        offset: reader.durableOffset,
        path: reader.path,
      };
      const ranges = reader.replay.map((range) => ({
        to: range.until,
        observedTimeUnixNano: String(range.observedTimeUnixNano),
      }));
      const group = inFlight?.groups.get(reader);
      if (inFlight && group && group.count > 0) {
        ranges.push({ to: group.committable, observedTimeUnixNano: String(inFlight.observedTimeUnixNano) });
      }
      if (ranges.length > 0) checkpoint.pending = ranges;
      files.push(checkpoint);
    }
    // A truncated file's old content, for its copy should the gateway stop before finding it.
    for (const entry of this.#truncated) {
      if (entry.bytes.length === 0) continue;
      const checkpoint: Checkpoint = {
        hash: hashOf(entry.bytes),
        length: entry.bytes.length,
        offset: entry.durable,
        path: '',
      };
      // Lines read before the truncation and being appended now (those of a replay with their
      // earlier time, the first match wins): re-sent identically if need be.
      const ranges = entry.replay.map((range) => ({
        to: range.until,
        observedTimeUnixNano: String(range.observedTimeUnixNano),
      }));
      if (inFlight && entry.durable < entry.offset) {
        ranges.push({ to: entry.offset, observedTimeUnixNano: String(inFlight.observedTimeUnixNano) });
      }
      if (ranges.length > 0) checkpoint.pending = ranges;
      files.push(checkpoint);
    }
    this.#options.checkpoints.write(files);
  }

  #newBatch(): LogBatch {
    const { config } = this.#options;
    // Parsed JSON bodies give attribute values the fast encoder may not handle: kept as records.
    return new LogBatch(config.maxBatchRecords, config.maxBatchBytes, !config.parseJson, this.#spares);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
