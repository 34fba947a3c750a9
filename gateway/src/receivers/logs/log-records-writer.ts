// Encodes log records one at a time, as they are received, into the bytes of one OTLP
// ExportLogsServiceRequest (one resource, one scope), so what waits for the buffer is bytes, not
// objects: a record's objects die young instead of being promoted by the garbage collector while
// the append is in flight, and the pending amount is known in bytes. Room for the request's header
// is left in front of the records, so finishing writes the header there without copying them.
// Records the fast encoder does not handle are kept as objects and encoded by the generic encoder
// into a second request appended to the first (concatenated protobuf messages merge their repeated
// fields: the result is one request holding both lists).
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import { varintSize, writeVarint } from '@otelgate/pipelines/otlp/wire-writer.ts';
import {
  attributeEntries,
  fieldSize,
  measureLineRecord,
  measureRecord,
  scopeField,
  writeLineRecord,
  writeRecord,
} from './encode-log-records.ts';

/** Tag and longest varint length of the three headers (ResourceLogs, Resource, ScopeLogs). */
const HEADER_SLACK = 3 * (1 + 5);

export class LogRecordsWriter {
  readonly #resourceAttributes: KeyValue[];
  readonly #scopeName: string;
  readonly #resource: Buffer | undefined;
  readonly #scope: Buffer;
  readonly #sharedAttributeLists: boolean;
  /** Where the records start: room for the header before them. */
  readonly #start: number;
  #buffer: Buffer;
  #end: number;
  #generic: LogRecord[] | undefined;
  /** Records added. */
  count = 0;
  /** Encoded bytes of the records so far (those left to the generic encoder estimated). */
  bytes = 0;

  /**
   * `sharedAttributeLists`: the records share a few attribute lists (a file's), whose encoding is
   * kept per list. `initial`: room for records before the buffer has to grow (it doubles), or a
   * buffer to write into (one whose request was delivered: see `buffer`).
   */
  constructor(resource: KeyValue[], scopeName: string, sharedAttributeLists: boolean, initial: number | Buffer) {
    this.#resourceAttributes = resource;
    this.#scopeName = scopeName;
    this.#resource = attributeEntries(resource, 1);
    this.#scope = scopeField(scopeName);
    this.#sharedAttributeLists = sharedAttributeLists;
    this.#start = HEADER_SLACK + (this.#resource?.length ?? 0) + this.#scope.length;
    this.#buffer =
      typeof initial === 'number' || initial.length < this.#start + 1024
        ? Buffer.allocUnsafe(this.#start + (typeof initial === 'number' ? initial : initial.length))
        : initial;
    this.#end = this.#start;
  }

  add(record: LogRecord): void {
    this.count++;
    const size = this.#resource ? measureRecord(record, this.#sharedAttributeLists) : -1;
    if (size < 0) {
      this.#generic ??= [];
      this.#generic.push(record);
      const body = record.body as { stringValue?: string };
      this.bytes += 64 + (typeof body.stringValue === 'string' ? body.stringValue.length : 256);
      return;
    }
    const length = fieldSize(size);
    if (this.#end + length > this.#buffer.length) this.#grow(length);
    const end = writeRecord(this.#buffer, this.#end, record, size, this.#sharedAttributeLists);
    this.bytes += end - this.#end;
    this.#end = end;
  }

  /**
   * A record whose body is the text of `source[start, end)`, which the caller has checked is valid
   * UTF-8: the bytes are copied into the request, no string or record is made. `attributes` is one
   * of the few lists shared between records (only with `sharedAttributeLists`).
   */
  addLine(source: Buffer, start: number, end: number, observedTimeUnixNano: bigint, attributes: KeyValue[]): void {
    const size =
      this.#resource && this.#sharedAttributeLists
        ? measureLineRecord(end - start, observedTimeUnixNano, attributes)
        : -1;
    if (size < 0) {
      this.add({
        timeUnixNano: 0n,
        observedTimeUnixNano,
        severityNumber: 0,
        severityText: '',
        body: { stringValue: source.toString('utf8', start, end) },
        attributes,
        droppedAttributesCount: 0,
        flags: 0,
        traceId: '',
        spanId: '',
        eventName: '',
      });
      return;
    }
    this.count++;
    const length = fieldSize(size);
    if (this.#end + length > this.#buffer.length) this.#grow(length);
    const written = writeLineRecord(
      this.#buffer,
      this.#end,
      source,
      start,
      end,
      observedTimeUnixNano,
      attributes,
      size,
    );
    this.bytes += written - this.#end;
    this.#end = written;
  }

  /**
   * The buffer written into, which `finish` returned part of: once that request is no longer
   * referenced anywhere (delivered), it can be handed to a new writer instead of allocating one.
   */
  get buffer(): Buffer {
    return this.#buffer;
  }

  /** The request holding every record added (empty when none was). */
  finish(): Buffer {
    const records = this.#end - this.#start;
    let fast: Buffer = Buffer.alloc(0);
    if (records > 0 && this.#resource) {
      const resource = this.#resource;
      const scopeLength = this.#scope.length + records;
      const resourceLogs = fieldSize(resource.length) + fieldSize(scopeLength);
      const header = fieldSize(resourceLogs) - resourceLogs + fieldSize(resource.length) + 1 + varintSize(scopeLength);
      const out = this.#buffer;
      let pos = this.#start - this.#scope.length - header;
      const from = pos;
      out[pos++] = 0x0a;
      pos = writeVarint(out, pos, resourceLogs);
      out[pos++] = 0x0a;
      pos = writeVarint(out, pos, resource.length);
      pos += resource.copy(out, pos);
      out[pos++] = 0x12;
      pos = writeVarint(out, pos, scopeLength);
      pos += this.#scope.copy(out, pos);
      fast = out.subarray(from, this.#end);
    }
    if (!this.#generic) return fast;
    const generic = encodeLogs({
      resourceLogs: [
        {
          resource: { attributes: this.#resourceAttributes, droppedAttributesCount: 0 },
          scopeLogs: [
            {
              scope: { name: this.#scopeName, version: '', attributes: [], droppedAttributesCount: 0 },
              logRecords: this.#generic,
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    });
    return Buffer.concat([fast, generic]);
  }

  #grow(needed: number): void {
    const size = Math.max(this.#buffer.length * 2, this.#end + needed);
    const grown = Buffer.allocUnsafe(size);
    this.#buffer.copy(grown, this.#start, this.#start, this.#end);
    this.#buffer = grown;
  }
}
