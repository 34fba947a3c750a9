// The records read since the last append, grouped by file, with each file's offset that becomes
// durable (its checkpoint) once the batch is. Unless bodies are parsed into attributes (whose
// values the fast encoder may not handle), each file's records are encoded as they are added:
// what waits for the buffer is bytes, and a plain line goes from the read buffer to them directly.
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import { encodeLogRecords } from '../logs/encode-log-records.ts';
import { LogRecordsWriter } from '../logs/log-records-writer.ts';
import type { FileReader } from './file-reader.ts';

export const LOG_BATCH_SCOPE = 'otelgate/filelog';
const SCOPE = { name: LOG_BATCH_SCOPE, version: '', attributes: [], droppedAttributesCount: 0 };
/** A file's encoded records start this small (from Node's buffer pool) and double: 1,000 files each with a line stay cheap. */
const WRITER_INITIAL_BYTES = 2048;
/**
 * Buffers of delivered batches kept for the next ones, and the least worth keeping. Each ~1 MiB
 * buffer allocated counts towards V8's next full collection: a busy file allocating one per batch
 * (and the doublings to get there) made most of the receiver's garbage-collection time.
 */
const SPARES = 2;
const SPARE_MIN_BYTES = 64 * 1024;

interface FileGroup {
  /** The file's records as objects (without `encodeAsAdded`). */
  records: LogRecord[];
  /** The file's records encoded (with `encodeAsAdded`). */
  writer: LogRecordsWriter | undefined;
  count: number;
  /** The file's offset once this batch is durable: every line before it emitted in this or an earlier batch. */
  committable: number;
}

export class LogBatch {
  readonly groups = new Map<FileReader, FileGroup>();
  count = 0;
  bytes = 0;
  /** One observed time for every record read into the batch, so a replay of it can reproduce it exactly. */
  readonly observedTimeUnixNano = BigInt(Date.now()) * 1_000_000n;
  /** Records are encoded as they are added, with their files' attribute lists shared (addLine may be used). */
  readonly encodeAsAdded: boolean;
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  readonly #spares: Buffer[];

  /** `spares`: buffers of delivered batches, written into by this one (see `recycle`). */
  constructor(maxRecords: number, maxBytes: number, encodeAsAdded = false, spares: Buffer[] = []) {
    this.#maxRecords = maxRecords;
    this.#maxBytes = maxBytes;
    this.encodeAsAdded = encodeAsAdded;
    this.#spares = spares;
  }

  get full(): boolean {
    return this.count >= this.#maxRecords || this.bytes >= this.#maxBytes;
  }

  add(reader: FileReader, record: LogRecord, bytes: number): void {
    const group = this.#group(reader);
    if (this.encodeAsAdded) this.#writerOf(reader, group).add(record);
    else group.records.push(record);
    group.count++;
    this.count++;
    this.bytes += bytes;
  }

  /** A plain line, `source[start, end)`, valid UTF-8 (only with `encodeAsAdded`). */
  addLine(
    reader: FileReader,
    source: Buffer,
    start: number,
    end: number,
    observedTimeUnixNano: bigint,
    attributes: KeyValue[],
    bytes: number,
  ): void {
    if (!this.encodeAsAdded) throw new Error('filelog: a line added as bytes to a batch that keeps records');
    const group = this.#group(reader);
    this.#writerOf(reader, group).addLine(source, start, end, observedTimeUnixNano, attributes);
    group.count++;
    this.count++;
    this.bytes += bytes;
  }

  /** Notes where `reader` can resume once this batch is durable. */
  mark(reader: FileReader, committable: number): void {
    if (committable === reader.durableOffset && !this.groups.has(reader)) return;
    this.#group(reader).committable = committable;
  }

  #group(reader: FileReader): FileGroup {
    let group = this.groups.get(reader);
    if (!group) {
      group = { records: [], writer: undefined, count: 0, committable: reader.durableOffset };
      this.groups.set(reader, group);
    }
    return group;
  }

  #writerOf(reader: FileReader, group: FileGroup): LogRecordsWriter {
    group.writer ??= new LogRecordsWriter(
      reader.resourceAttributes,
      LOG_BATCH_SCOPE,
      true,
      this.#spares.pop() ?? WRITER_INITIAL_BYTES,
    );
    return group.writer;
  }

  /**
   * The request `encode` returned was delivered and nothing refers to it any more (the buffer took
   * it on the first attempt: no earlier attempt may still be writing it): its buffers go to `spares`.
   */
  recycle(): void {
    for (const group of this.groups.values()) {
      const buffer = group.writer?.buffer;
      if (buffer && buffer.length >= SPARE_MIN_BYTES && this.#spares.length < SPARES) this.#spares.push(buffer);
    }
  }

  /** The batch as one ExportLogsServiceRequest: a ResourceLogs per file with records, in the order files were added. */
  encode(): Uint8Array {
    if (!this.encodeAsAdded) {
      return (
        encodeLogRecords(
          [...this.groups].map(([reader, group]) => ({
            resource: reader.resourceAttributes,
            scopeName: LOG_BATCH_SCOPE,
            records: group.records,
            sharedAttributeLists: false,
          })),
        ) ?? encodeLogs(this.toLogsData())
      );
    }
    // Requests concatenated are one request with their ResourceLogs in that order (a repeated field).
    const parts: Buffer[] = [];
    for (const group of this.groups.values()) if (group.writer && group.count > 0) parts.push(group.writer.finish());
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  toLogsData(): LogsData {
    const resourceLogs = [];
    for (const [reader, group] of this.groups) {
      if (group.records.length === 0) continue;
      resourceLogs.push({
        resource: { attributes: reader.resourceAttributes, droppedAttributesCount: 0 },
        scopeLogs: [{ scope: SCOPE, logRecords: group.records, schemaUrl: '' }],
        schemaUrl: '',
      });
    }
    return { resourceLogs };
  }
}
