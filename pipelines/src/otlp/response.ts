// Export*ServiceResponse, protobuf and JSON. With nothing rejected the response is the empty
// message, as the OTLP spec asks; otherwise partial_success carries the count and a message.
import type { Signal } from '../model/common.ts';
import { WireWriter, utf8Length, varint64Size, varintSize } from './wire-writer.ts';

export interface PartialSuccess {
  /** Spans, data points or log records refused. */
  rejected: number | bigint;
  errorMessage: string;
}

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

/** ExportTraceServiceResponse / ExportMetricsServiceResponse / ExportLogsServiceResponse in protobuf. */
export function encodeExportResponse(_signal: Signal, partial?: PartialSuccess): Uint8Array {
  if (!partial || (BigInt(partial.rejected) === 0n && partial.errorMessage === '')) return new Uint8Array(0);
  const rejected = BigInt(partial.rejected);
  const messageLength = utf8Length(partial.errorMessage);
  // partial_success (1) { rejected_* (1): int64, error_message (2): string }
  const inner =
    (rejected !== 0n ? 1 + varint64Size(rejected) : 0) +
    (messageLength > 0 ? 1 + varintSize(messageLength) + messageLength : 0);
  const w = new WireWriter(1 + varintSize(inner) + inner, new Int32Array(0));
  w.tag(1, 2);
  w.uint32(inner);
  if (rejected !== 0n) {
    w.tag(1, 0);
    w.uint64(rejected);
  }
  if (messageLength > 0) {
    w.tag(2, 2);
    w.string(partial.errorMessage);
  }
  return w.buf;
}

/** The same response in OTLP/JSON (int64 as a string). */
export function exportResponseJson(signal: Signal, partial?: PartialSuccess): string {
  if (!partial || (BigInt(partial.rejected) === 0n && partial.errorMessage === '')) return '{}';
  const members: string[] = [];
  if (BigInt(partial.rejected) !== 0n) members.push(`"${REJECTED_FIELD[signal]}":"${BigInt(partial.rejected)}"`);
  if (partial.errorMessage !== '') members.push(`"errorMessage":${JSON.stringify(partial.errorMessage)}`);
  return `{"partialSuccess":{${members.join(',')}}}`;
}
