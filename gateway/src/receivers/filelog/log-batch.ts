// The records read since the last append, grouped by file, with each file's offset that becomes
// durable (its checkpoint) once the batch is.
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { FileReader } from './file-reader.ts';

export const LOG_BATCH_SCOPE = 'otelgate/filelog';
const SCOPE = { name: LOG_BATCH_SCOPE, version: '', attributes: [], droppedAttributesCount: 0 };

interface FileGroup {
  records: LogRecord[];
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

  constructor(maxRecords: number, maxBytes: number) {
    this.#maxRecords = maxRecords;
    this.#maxBytes = maxBytes;
  }

  get full(): boolean {
    return this.count >= this.#maxRecords || this.bytes >= this.#maxBytes;
  }

  add(reader: FileReader, record: LogRecord, bytes: number): void {
    this.#group(reader).records.push(record);
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
      group = { records: [], committable: reader.durableOffset };
      this.groups.set(reader, group);
    }
    return group;
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
