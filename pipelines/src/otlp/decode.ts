// The full decoder the workers use: OTLP protobuf Export*ServiceRequest -> data model.
// Same policy as the scanner (invalid UTF-8, bad ids, AnyValue deeper than the limit and broken
// framing are refused with 'invalid-argument'). The decoders do not track where they are; when one
// fails, the request is scanned to produce a message that names the path.
import type { SignalData } from '../components/component.ts';
import type { Signal } from '../model/common.ts';
import type { LogsData } from '../model/logs.ts';
import type { MetricsData } from '../model/metrics.ts';
import type { TracesData } from '../model/traces.ts';
import { DecodeOptions } from './decode-common.ts';
import { decodeLogsFrom } from './decode-logs.ts';
import { decodeMetricsFrom } from './decode-metrics.ts';
import { decodeTracesFrom } from './decode-traces.ts';
import { DEFAULT_MAX_ANY_VALUE_DEPTH, scanExportRequest } from './scan.ts';
import { toInvalidArgument, WireError } from './wire-error.ts';
import { WireReader } from './wire-reader.ts';

export interface DecodeLimits {
  /** AnyValue nesting allowed (an attribute's value is level 1). Default 64. */
  maxAnyValueDepth?: number;
}

const DECODERS = {
  traces: decodeTracesFrom,
  metrics: decodeMetricsFrom,
  logs: decodeLogsFrom,
} as const;

export function decodeExportRequest<S extends Signal>(
  signal: S,
  bytes: Uint8Array,
  limits: DecodeLimits = {},
): SignalData[S] {
  const maxAnyValueDepth = limits.maxAnyValueDepth ?? DEFAULT_MAX_ANY_VALUE_DEPTH;
  DecodeOptions.maxAnyValueDepth = maxAnyValueDepth;
  try {
    const r = new WireReader(bytes);
    return DECODERS[signal](r, bytes.length) as SignalData[S];
  } catch (error) {
    if (!(error instanceof WireError)) throw toInvalidArgument(error);
    // Re-scan to name the path of what is wrong; the scanner applies the same rules.
    scanExportRequest(signal, bytes, { maxAnyValueDepth });
    throw toInvalidArgument(error);
  }
}

export function decodeTraces(bytes: Uint8Array, limits?: DecodeLimits): TracesData {
  return decodeExportRequest('traces', bytes, limits);
}

export function decodeMetrics(bytes: Uint8Array, limits?: DecodeLimits): MetricsData {
  return decodeExportRequest('metrics', bytes, limits);
}

export function decodeLogs(bytes: Uint8Array, limits?: DecodeLimits): LogsData {
  return decodeExportRequest('logs', bytes, limits);
}
