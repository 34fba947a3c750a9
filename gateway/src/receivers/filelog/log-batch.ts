// The records read since the last append, grouped by file and encoded as they are read (one
// OTLP request per file, concatenated at the flush), with each file's offset that becomes durable
// (its checkpoint) once the batch is.
import { LogRecordsWriter } from '../logs/log-records-writer.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import type { FileReader } from './file-reader.ts';

export const LOG_BATCH_SCOPE = 'otelgate/filelog';
/** A file's room for records in its first batch before the buffer grows (doubling). */
const INITIAL_GROUP_BYTES = 4 * 1024;

interface FileGroup {
  records: LogRecordsWriter;
  /** The file's offset once this batch is durable: every line before it emitted in this or an earlier batch. */
  committable: number;
}

export class LogBatch {
  readonly groups = new Map<FileReader, FileGroup>();
  count = 0;
  bytes = 0;
  /** One observed time for every record read into the batch, so a replay of it can reproduce it exactly. */
  readonly observedTimeUnixNano = BigInt(Date.now()) * 1_000_000n;
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  readonly #sharedAttributeLists: boolean;

  /** `sharedAttributeLists`: records carry their file's attribute lists (not JSON fields of their own). */
  constructor(maxRecords: number, maxBytes: number, sharedAttributeLists: boolean) {
    this.#maxRecords = maxRecords;
    this.#maxBytes = maxBytes;
    this.#sharedAttributeLists = sharedAttributeLists;
  }

  get full(): boolean {
    return this.count >= this.#maxRecords || this.bytes >= this.#maxBytes;
  }

  add(reader: FileReader, record: LogRecord): void {
    const { records } = this.#group(reader);
    const before = records.bytes;
    records.add(record);
    this.count++;
    this.bytes += records.bytes - before;
  }

  /** Notes where `reader` can resume once this batch is durable. */
  mark(reader: FileReader, committable: number): void {
    if (committable === reader.durableOffset && !this.groups.has(reader)) return;
    this.#group(reader).committable = committable;
  }

  /** The OTLP request of every record in the batch (one resource per file). */
  encode(): Buffer {
    const parts: Buffer[] = [];
    for (const [reader, group] of this.groups) {
      if (group.records.count === 0) continue;
      parts.push(group.records.finish());
      // The file's next batch starts with room for as much (growing by doubling allocates each
      // batch's bytes about twice more, garbage the collector only returns after a while).
      reader.batchBytesHint = Math.min(this.#maxBytes, Math.ceil(group.records.bytes * 1.25));
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  #group(reader: FileReader): FileGroup {
    let group = this.groups.get(reader);
    if (!group) {
      const records = new LogRecordsWriter(
        reader.resourceAttributes,
        LOG_BATCH_SCOPE,
        this.#sharedAttributeLists,
        reader.batchBytesHint || INITIAL_GROUP_BYTES,
      );
      group = { records, committable: reader.durableOffset };
      this.groups.set(reader, group);
    }
    return group;
  }
}
