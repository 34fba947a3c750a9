// One partition on disk: an ordered list of segments, recovery on open, group-committed appends,
// retention's deletes. Reading is in partition-reader.ts.

import { readdir, unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { EmbeddedLogCounters, PartitionStats } from './log-stats.ts';
import { type PartitionRead, type ReadCursor, readPartition, seekPartition } from './partition-reader.ts';
import { type PreparedRecord, sealRecord } from './record-format.ts';
import { parseSegmentFileName, readFrames, Segment } from './segment.ts';
import type { SegmentIo } from './segment-io.ts';
import { makeDurableDirectory, syncDirectory } from './sync-directory.ts';

export type { ReadCursor } from './partition-reader.ts';

export interface PartitionLogOptions {
  segmentBytes: number;
  maxRecordBytes: number;
  fsync: 'always' | 'never';
  io: SegmentIo;
  logger: Logger;
  counters: EmbeddedLogCounters;
}

interface PendingAppend {
  records: PreparedRecord[];
  bytes: number;
  resolve: (firstOffset: bigint) => void;
  reject: (error: unknown) => void;
}

export class PartitionLog {
  readonly name: string;
  readonly dir: string;
  readonly #options: PartitionLogOptions;
  readonly #segments: Segment[];
  #pending: PendingAppend[] = [];
  #pendingBytes = 0;
  #flushing = false;
  /** A failed commit could not truncate its partial write: truncate before the next write. */
  #tailDirty = false;
  #waiters = new Set<() => void>();
  #closed = false;

  private constructor(name: string, dir: string, segments: Segment[], options: PartitionLogOptions) {
    this.name = name;
    this.dir = dir;
    this.#segments = segments;
    this.#options = options;
  }

  /** Opens (or creates) the partition in `dir`; the newest segment's tail is validated and any damage cut off. */
  static async open(name: string, dir: string, options: PartitionLogOptions): Promise<PartitionLog> {
    await makeDurableDirectory(dir);
    const bases = (await readdir(dir))
      .map(parseSegmentFileName)
      .filter((base): base is bigint => base !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const segments: Segment[] = [];
    for (const base of bases) segments.push(await Segment.open(dir, base));
    // Sealed segments end where the next begins (checked again, record by record, when read).
    for (let i = 0; i + 1 < segments.length; i++) segments[i].nextOffset = segments[i + 1].baseOffset;
    const log = new PartitionLog(name, dir, segments, options);
    if (segments.length === 0) {
      segments.push(await Segment.create(dir, 0n));
      await syncDirectory(dir);
    } else {
      await log.#recoverTail(segments[segments.length - 1]);
    }
    return log;
  }

  async #recoverTail(segment: Segment): Promise<void> {
    const fileSize = segment.size;
    let position = 0;
    let offset = segment.baseOffset;
    let damage: string | undefined;
    while (position < fileSize) {
      const read = await readFrames(segment, position, fileSize, offset, 100_000, 1 << 20, this.maxBodyBytes);
      position = read.nextPosition;
      offset += BigInt(read.records.length);
      if (read.corrupt) {
        damage = read.corrupt;
        break;
      }
    }
    segment.size = position;
    segment.nextOffset = offset;
    if (position < fileSize) {
      await this.#options.io.truncate(segment.handle, position);
      await segment.handle.sync();
      this.#options.counters.tornTailTruncations++;
      this.#options.counters.truncatedBytes += fileSize - position;
      this.#options.logger.warn(
        { partition: this.name, segment: segment.path, position, truncatedBytes: fileSize - position, damage },
        'damaged tail cut off on open (never acknowledged: it was not fully on disk)',
      );
    }
  }

  get maxBodyBytes(): number {
    // Keys and headers are small; leave them room beside the largest value.
    return this.#options.maxRecordBytes + 64 * 1024;
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1];
  }

  get startOffset(): bigint {
    return this.#segments[0].baseOffset;
  }

  /** The offset the next record gets; everything below it is committed. */
  get endOffset(): bigint {
    return this.#active.nextOffset;
  }

  /** Committed bytes on disk plus bytes waiting to be committed. */
  get sizeBytes(): number {
    let total = this.#pendingBytes;
    for (const segment of this.#segments) total += segment.size;
    return total;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get segments(): readonly Segment[] {
    return this.#segments;
  }

  stats(): PartitionStats {
    return {
      bytesOnDisk: this.sizeBytes - this.#pendingBytes,
      segments: this.#segments.length,
      startOffset: this.startOffset,
      endOffset: this.endOffset,
    };
  }

  /**
   * Appends the records as one unit; resolves with the first one's offset once they are
   * committed. Appends arriving while a commit is in flight are written together by the next.
   */
  append(records: PreparedRecord[], bytes: number): Promise<bigint> {
    if (this.#closed) return Promise.reject(new Error(`partition ${this.name} is closed`));
    return new Promise((resolve, reject) => {
      this.#pending.push({ records, bytes, resolve, reject });
      this.#pendingBytes += bytes;
      if (!this.#flushing) void this.#flushLoop();
    });
  }

  async #flushLoop(): Promise<void> {
    this.#flushing = true;
    while (this.#pending.length > 0) {
      const group = this.#pending;
      this.#pending = [];
      try {
        await this.#commit(group);
      } catch (error) {
        for (const append of group) append.reject(error);
      } finally {
        for (const append of group) this.#pendingBytes -= append.bytes;
      }
    }
    this.#flushing = false;
  }

  async #commit(group: PendingAppend[]): Promise<void> {
    const { io, counters } = this.#options;
    let active = this.#active;
    if (this.#tailDirty) {
      await io.truncate(active.handle, active.size);
      this.#tailDirty = false;
    }
    let total = 0;
    for (const append of group) total += append.bytes;
    if (active.size > 0 && active.size + total > this.#options.segmentBytes) active = await this.#roll();

    const timestamp = Date.now();
    const firstOffsets: bigint[] = [];
    let offset = active.nextOffset;
    const iov: Uint8Array[] = [];
    for (const append of group) {
      firstOffsets.push(offset);
      for (const record of append.records) {
        sealRecord(record, offset++, timestamp);
        iov.push(record.meta);
        if (record.value) iov.push(record.value);
      }
    }
    const started = performance.now();
    try {
      const written = await io.writev(active.handle, iov, active.size);
      if (written !== total) {
        // A short write to a regular file means the file system ran out of space.
        throw Object.assign(new Error(`short write: ${written} of ${total} bytes`), { code: 'ENOSPC' });
      }
      if (this.#options.fsync === 'always') {
        const syncStarted = performance.now();
        await io.datasync(active.handle);
        counters.fsyncs++;
        counters.fsyncSeconds += (performance.now() - syncStarted) / 1000;
      }
    } catch (error) {
      counters.commitFailures++;
      // Cut the partial write off so the next commit (and recovery) starts from clean committed data.
      try {
        await io.truncate(active.handle, active.size);
      } catch {
        this.#tailDirty = true;
      }
      throw error;
    }
    active.size += total;
    active.nextOffset = offset;
    active.lastAppendMs = timestamp;
    counters.groupCommits++;
    counters.commitSeconds += (performance.now() - started) / 1000;
    counters.appendedBytes += total;
    counters.appendedRecords += Number(offset - firstOffsets[0]);
    group.forEach((append, i) => {
      append.resolve(firstOffsets[i]);
    });
    this.#notify();
  }

  async #roll(): Promise<Segment> {
    const previous = this.#active;
    const segment = await Segment.create(this.dir, previous.nextOffset);
    try {
      // The new file must survive a crash before any record in it is acknowledged.
      await syncDirectory(this.dir);
    } catch (error) {
      await segment.handle.close().catch(() => {});
      await unlink(segment.path).catch(() => {});
      throw error;
    }
    segment.nextOffset = previous.nextOffset;
    this.#segments.push(segment);
    return segment;
  }

  /**
   * Starts a new segment so the current one becomes sealed (and deletable once consumed). Skipped
   * while a commit is in flight or when the active segment is empty. Resolves with whether it rolled.
   */
  async sealActive(): Promise<boolean> {
    if (this.#closed || this.#flushing || this.#active.size === 0) return false;
    this.#flushing = true;
    try {
      await this.#roll();
      return true;
    } catch (error) {
      this.#options.logger.warn({ err: error, partition: this.name }, 'cannot start a new segment');
      return false;
    } finally {
      this.#flushing = false;
      // Appends that arrived during the roll wait for a flush loop: start it.
      if (this.#pending.length > 0) void this.#flushLoop();
    }
  }

  /** Resolves on the next commit, after `timeoutMs`, or when `abort` fires, whichever is first. */
  waitForAppend(afterOffset: bigint, timeoutMs: number, abort: AbortSignal): Promise<void> {
    if (this.endOffset > afterOffset || abort.aborted || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** A cursor at `offset`, clamped to what is on disk. */
  seek(offset: bigint): Promise<ReadCursor> {
    return seekPartition(this, offset);
  }

  /** Reads committed records from `cursor`. A damaged record is skipped past (logged and counted), never served. */
  read(cursor: ReadCursor, maxRecords: number, maxBytes: number): Promise<PartitionRead> {
    return readPartition(this, cursor, maxRecords, maxBytes);
  }

  /** Called by readers that skipped offsets over damaged data. */
  reportDamage(at: ReadCursor, resumeOffset: bigint, reason: string): void {
    const skipped = resumeOffset - at.offset;
    this.#options.counters.corruptRecordsSkipped += Number(skipped);
    this.#options.logger.error(
      {
        partition: this.name,
        segment: at.segment.path,
        position: at.position,
        fromOffset: at.offset.toString(),
        resumeOffset: resumeOffset.toString(),
        reason,
      },
      'damaged record in committed data: skipping to the next readable position',
    );
  }

  /**
   * Deletes sealed segments from the front while `shouldDelete(segment, sizeBytes)` says so.
   * The active segment is never deleted.
   */
  async deleteFront(shouldDelete: (segment: Segment, sizeBytes: number) => boolean): Promise<number> {
    let deleted = 0;
    while (this.#segments.length > 1 && shouldDelete(this.#segments[0], this.sizeBytes)) {
      const segment = this.#segments.shift()!;
      segment.deleted = true;
      await segment.handle.close().catch(() => {});
      await unlink(segment.path);
      deleted++;
    }
    if (deleted > 0) {
      await syncDirectory(this.dir);
      this.#options.counters.segmentsDeleted += deleted;
    }
    return deleted;
  }

  /** Waits for commits in flight, then closes every file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#flushing) await new Promise((resolve) => setTimeout(resolve, 1));
    this.#notify();
    for (const segment of this.#segments) await segment.handle.close().catch(() => {});
  }
}
