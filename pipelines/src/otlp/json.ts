// OTLP/JSON: parse (ingest transcodes JSON bodies to protobuf once with jsonToProto) and write
// (the file exporter writes what the Collector's file exporter writes).
import type { SignalData } from '../components/component.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import type { LogsData } from '../model/logs.ts';
import type { MetricsData } from '../model/metrics.ts';
import type { TracesData } from '../model/traces.ts';
import { encodeExportRequest } from './encode.ts';
import { JsonOptions, parseLogsJson, parseTracesJson } from './json-parse.ts';
import { parseMetricsJson } from './json-parse-metrics.ts';
import { parseJsonExact, quoteInt64Numbers } from './json-exact.ts';
import { countQuoteColon } from './json-key-count.ts';
import { isObject, type JsonObject, JsonReadState, NeedsExact } from './json-read.ts';
import { logsToJson, metricsToJson, tracesToJson } from './json-write.ts';
import { DEFAULT_MAX_ANY_VALUE_DEPTH } from './scan.ts';
import { toInvalidArgument } from './wire-error.ts';

export interface JsonLimits {
  /** AnyValue nesting allowed (an attribute's value is level 1). Default 64. */
  maxAnyValueDepth?: number;
}

const ROOT_KEYS: Record<Signal, [string, string]> = {
  traces: ['resourceSpans', 'resource_spans'],
  metrics: ['resourceMetrics', 'resource_metrics'],
  logs: ['resourceLogs', 'resource_logs'],
};

const PARSERS = { traces: parseTracesJson, metrics: parseMetricsJson, logs: parseLogsJson } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses an OTLP/JSON Export*ServiceRequest; anything else is 'invalid-argument' with a message. */
export function parseOtlpJson<S extends Signal>(
  signal: S,
  body: string | Uint8Array,
  limits: JsonLimits = {},
): SignalData[S] {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch {
      throw new OtelgateError('invalid-argument', 'body: invalid UTF-8');
    }
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new OtelgateError('invalid-argument', `body is not valid JSON: ${(error as Error).message}`);
  }
  JsonOptions.maxAnyValueDepth = limits.maxAnyValueDepth ?? DEFAULT_MAX_ANY_VALUE_DEPTH;
  // Fast path: JSON.parse's tree is right unless an integer field holds a number past 2^53
  // (rounded: the walk throws NeedsExact) or a key was repeated (JSON.parse keeps the last).
  // When no ':' follows whitespace, every key in the text ends in `":`; so if the walk read as
  // many fields as the text has `":`, no key was repeated. Otherwise (duplicates, unknown
  // fields, `":` inside strings, spaced-out colons) the exact reader decides.
  const fast = fastPath(signal, root, text, body);
  if (fast !== undefined) return fast;
  // 64-bit times written as numbers (the usual reason): quoting them, which the spec makes
  // equivalent, lets JSON.parse read them exactly; the exact reader is for what is left.
  const quoted = quoteInt64Numbers(text);
  if (quoted !== text) {
    const again = fastPath(signal, JSON.parse(quoted), quoted, body);
    if (again !== undefined) return again;
  }
  JsonReadState.exact = true;
  try {
    return parseRoot(signal, parseJsonExact(text));
  } catch (error) {
    throw toInvalidArgument(error);
  } finally {
    JsonReadState.exact = false;
  }
}

const KEY_END = /":/g;

/** The data when JSON.parse's tree `root` is right (see above); undefined when it may not be. */
function fastPath<S extends Signal>(
  signal: S,
  root: unknown,
  text: string,
  body: string | Uint8Array,
): SignalData[S] | undefined {
  JsonReadState.exact = false;
  JsonReadState.keysRead = 0;
  try {
    const data = parseRoot(signal, root);
    // Quoting adds no `":`, so the body's count stands for the quoted text's.
    return JsonReadState.keysRead === countKeys(text, body) ? data : undefined;
  } catch (error) {
    if (error instanceof NeedsExact) return undefined;
    throw error;
  }
}

/** The number of `":` in the body, or -1 when some ':' follows whitespace (then keys can end otherwise). */
function countKeys(text: string, body: string | Uint8Array): number {
  if (text.includes(' :') || text.includes('\n:') || text.includes('\r:') || text.includes('\t:')) return -1;
  return typeof body === 'string' ? (text.match(KEY_END)?.length ?? 0) : countQuoteColon(body, text);
}

function parseRoot<S extends Signal>(signal: S, root: unknown): SignalData[S] {
  if (!isObject(root)) {
    throw new OtelgateError('invalid-argument', `body is not an OTLP/JSON ${signal} request: expected a JSON object`);
  }
  const [camel, snake] = ROOT_KEYS[signal];
  if (!Object.hasOwn(root, camel) && !Object.hasOwn(root, snake) && Object.keys(root).length > 0) {
    throw new OtelgateError('invalid-argument', `body is not an OTLP/JSON ${signal} request: no "${camel}" field`);
  }
  try {
    return PARSERS[signal](root as JsonObject) as SignalData[S];
  } catch (error) {
    if (error instanceof NeedsExact) throw error;
    throw toInvalidArgument(error);
  }
}

/** OTLP/JSON text of a request, as the Collector's file exporter writes it. */
export function toOtlpJson<S extends Signal>(signal: S, data: SignalData[S]): string {
  switch (signal) {
    case 'traces':
      return tracesToJson(data as TracesData);
    case 'metrics':
      return metricsToJson(data as MetricsData);
    default:
      return logsToJson(data as LogsData);
  }
}

/** OTLP/JSON -> OTLP protobuf: ingest's one-time transcoding of JSON bodies. */
export function jsonToProto(signal: Signal, body: string | Uint8Array, limits?: JsonLimits): Uint8Array {
  return encodeExportRequest(signal, parseOtlpJson(signal, body, limits));
}
