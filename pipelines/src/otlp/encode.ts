// The encoder: data model -> OTLP protobuf Export*ServiceRequest, in one allocation. A first pass
// computes every nested message length, a second writes into a buffer of the exact size.
import type { SignalData } from '../components/component.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import type { LogsData } from '../model/logs.ts';
import type { MetricsData } from '../model/metrics.ts';
import type { TracesData } from '../model/traces.ts';
import { sizeLogs, writeLogs } from './encode-logs.ts';
import { sizeMetrics, writeMetrics } from './encode-metrics.ts';
import { sizeTraces, writeTraces } from './encode-traces.ts';
import { SizeList, WireWriter } from './wire-writer.ts';

const sizes = new SizeList();

function encodeWith<T>(data: T, size: (data: T, z: SizeList) => number, write: (w: WireWriter, data: T) => void) {
  sizes.length = 0;
  const total = size(data, sizes);
  const w = new WireWriter(total, sizes.data);
  write(w, data);
  if (w.pos !== total) throw new OtelgateError('internal', `encoder wrote ${w.pos} bytes, sized ${total}`);
  return w.buf;
}

export function encodeTraces(data: TracesData): Uint8Array {
  return encodeWith(data, sizeTraces, writeTraces);
}

export function encodeMetrics(data: MetricsData): Uint8Array {
  return encodeWith(data, sizeMetrics, writeMetrics);
}

export function encodeLogs(data: LogsData): Uint8Array {
  return encodeWith(data, sizeLogs, writeLogs);
}

export function encodeExportRequest<S extends Signal>(signal: S, data: SignalData[S]): Uint8Array {
  switch (signal) {
    case 'traces':
      return encodeTraces(data as TracesData);
    case 'metrics':
      return encodeMetrics(data as MetricsData);
    default:
      return encodeLogs(data as LogsData);
  }
}
