// Decides whether a span or log record is an error, gathers what it says about the error
// (exception type, message, stack trace, status codes) and writes `error.type`,
// `otelgate.error.category` and `otelgate.error.fingerprint`.
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { type Span, SpanKind, StatusCode } from '@otelgate/pipelines/model/traces.ts';
import { categorize, type ErrorCategory } from './category.ts';
import type { ErrorsConfig } from './config.ts';
import { fingerprint } from './fingerprint.ts';
import { parseStack } from './stack/parse-stack.ts';
import type { ParsedStack } from './stack/stack-frame.ts';

export const CATEGORY_KEY = 'otelgate.error.category';
export const FINGERPRINT_KEY = 'otelgate.error.fingerprint';

const GRPC_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** Stack-trace markers cheap enough to test on every log body before parsing it. */
const STACK_HINTS = [
  '\n    at ',
  '\n\tat ',
  '\n   at ',
  'Traceback (most recent call last)',
  '\ngoroutine ',
  '@http',
  '@file:',
  '@[native code]',
  '@webpack',
];

export interface Evidence {
  type: string | undefined;
  message: string | undefined;
  stacktrace: string | undefined;
  httpStatusCode: number | undefined;
  grpcStatusCode: number | undefined;
  database: boolean;
  errorTypeIndex: number;
}

export interface TagStats {
  byCategory: Map<ErrorCategory, number>;
  truncated: number;
}

/** A span the rules make an error, before trace-errors.ts decides which such spans are tagged. */
export interface SpanError {
  span: Span;
  evidence: Evidence;
  /** `type\u0000message` of its `exception` event and the event's time; undefined without one. */
  exception: { key: string; timeUnixNano: bigint } | undefined;
}

export class ErrorTagger {
  private readonly config: ErrorsConfig;

  constructor(config: ErrorsConfig) {
    this.config = config;
  }

  /** The span's error evidence when the rules make it an error; undefined when they do not. */
  spanError(span: Span): SpanError | undefined {
    const evidence = scanAttributes(span.attributes);
    const rules = this.config.spans;
    let isError = rules.statusError && span.status.code === StatusCode.ERROR;
    let exception: SpanError['exception'];
    if (rules.exceptionEvents) {
      for (let i = span.events.length - 1; i >= 0; i--) {
        if (span.events[i].name !== 'exception') continue;
        const event = scanAttributes(span.events[i].attributes);
        exception = {
          key: `${event.type ?? ''}\u0000${event.message ?? ''}`,
          timeUnixNano: span.events[i].timeUnixNano,
        };
        evidence.type ??= event.type;
        evidence.message ??= event.message;
        evidence.stacktrace ??= event.stacktrace;
        isError = true;
        break;
      }
    }
    const http = evidence.httpStatusCode;
    if (http !== undefined) {
      if (span.kind === SpanKind.SERVER && rules.serverHttpStatusMin !== null && http >= rules.serverHttpStatusMin)
        isError = true;
      if (span.kind === SpanKind.CLIENT && rules.clientHttpStatusMin !== null && http >= rules.clientHttpStatusMin)
        isError = true;
    }
    if (rules.grpcNonOk && evidence.grpcStatusCode !== undefined && evidence.grpcStatusCode !== 0) isError = true;
    if (!isError) return undefined;
    if (!evidence.message && span.status.message) evidence.message = span.status.message;
    return { span, evidence, exception };
  }

  /** Tags a span trace-errors.ts chose; `count` false for a local root whose error was counted at its origin. */
  tagSpan(error: SpanError, stats: TagStats, count: boolean): void {
    this.tag(error.span.attributes, error.evidence, stats, count);
  }

  logRecord(record: LogRecord, stats: TagStats): void {
    const evidence = scanAttributes(record.attributes);
    const rules = this.config.logs;
    let isError = record.severityNumber >= rules.severityNumberMin;
    if (rules.exceptionAttributes && (evidence.type || evidence.message || evidence.stacktrace)) isError = true;
    const body = record.body && 'stringValue' in record.body ? record.body.stringValue : undefined;
    if (rules.stackTraceBodies && body !== undefined && evidence.stacktrace === undefined && looksLikeStack(body)) {
      evidence.stacktrace = body;
      isError = true;
    }
    if (!isError) return;
    if (!evidence.message && body) evidence.message = firstLine(body);
    this.tag(record.attributes, evidence, stats, true);
  }

  private tag(attributes: KeyValue[], evidence: Evidence, stats: TagStats, count: boolean): void {
    const limits = this.config.limits;
    let stack: ParsedStack | undefined;
    if (evidence.stacktrace) {
      let text = evidence.stacktrace;
      if (text.length > limits.maxStackTraceLength) {
        text = text.slice(0, limits.maxStackTraceLength);
        stats.truncated++;
      }
      stack = parseStack(text, limits.maxFrames);
      if (stack && stack.frames.length >= limits.maxFrames) stats.truncated++;
    }
    let message = evidence.message ?? stack?.message;
    if (message && message.length > limits.maxMessageLength) {
      message = message.slice(0, limits.maxMessageLength);
      stats.truncated++;
    }
    const exceptionType = evidence.type ?? stack?.type;
    const errorType =
      exceptionType ??
      (evidence.httpStatusCode !== undefined && evidence.httpStatusCode >= 400
        ? String(evidence.httpStatusCode)
        : evidence.grpcStatusCode !== undefined && evidence.grpcStatusCode !== 0
          ? (GRPC_NAMES[evidence.grpcStatusCode] ?? String(evidence.grpcStatusCode))
          : '_OTHER');
    const category = categorize({
      type: exceptionType,
      message,
      httpStatusCode: evidence.httpStatusCode,
      grpcStatusCode: evidence.grpcStatusCode,
      database: evidence.database,
    });
    const print = fingerprint(errorType, stack?.frames ?? [], message, this.config.fingerprintFrames);

    if (evidence.errorTypeIndex < 0) attributes.push({ key: 'error.type', value: { stringValue: errorType } });
    else if (this.config.overwriteErrorType)
      attributes[evidence.errorTypeIndex] = { key: 'error.type', value: { stringValue: errorType } };
    upsert(attributes, CATEGORY_KEY, category);
    upsert(attributes, FINGERPRINT_KEY, print);
    if (count) stats.byCategory.set(category, (stats.byCategory.get(category) ?? 0) + 1);
  }
}

function scanAttributes(attributes: readonly KeyValue[]): Evidence {
  const evidence: Evidence = {
    type: undefined,
    message: undefined,
    stacktrace: undefined,
    httpStatusCode: undefined,
    grpcStatusCode: undefined,
    database: false,
    errorTypeIndex: -1,
  };
  for (let i = 0; i < attributes.length; i++) {
    const { key, value } = attributes[i];
    switch (key) {
      case 'exception.type':
        evidence.type = text(value);
        break;
      case 'exception.message':
        evidence.message = text(value);
        break;
      case 'exception.stacktrace':
        evidence.stacktrace = text(value);
        break;
      case 'http.response.status_code':
      case 'http.status_code':
        evidence.httpStatusCode ??= integer(value);
        break;
      case 'rpc.grpc.status_code':
        evidence.grpcStatusCode = integer(value);
        break;
      case 'db.system':
      case 'db.system.name':
        evidence.database = true;
        break;
      case 'error.type':
        evidence.errorTypeIndex = i;
        break;
    }
  }
  return evidence;
}

function text(value: AnyValue): string | undefined {
  return 'stringValue' in value && value.stringValue !== '' ? value.stringValue : undefined;
}

function integer(value: AnyValue): number | undefined {
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Math.trunc(value.doubleValue);
  if ('stringValue' in value && /^\d{1,3}$/.test(value.stringValue)) return Number(value.stringValue);
  return undefined;
}

function looksLikeStack(body: string): boolean {
  if (body.length < 20 || !body.includes('\n')) return false;
  for (const hint of STACK_HINTS) if (body.includes(hint)) return true;
  return false;
}

function firstLine(body: string): string {
  const newline = body.indexOf('\n');
  return newline >= 0 ? body.slice(0, newline) : body;
}

function upsert(attributes: KeyValue[], key: string, value: string): void {
  for (const kv of attributes) {
    if (kv.key === key) {
      kv.value = { stringValue: value };
      return;
    }
  }
  attributes.push({ key, value: { stringValue: value } });
}
