// An assembled line or record to an OTLP LogRecord: body, time, stream, severity, and (optionally)
// the fields of a JSON body as attributes.
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { RE2JS } from 're2js';
import { severityNumberOf } from '../logs/severity-text.ts';
import type { FilelogConfig } from './config.ts';
import type { AssembledRecord } from './record-assembler.ts';

/** JSON bodies give at most this many attributes, nested at most this deep (the rest is counted as dropped). */
const MAX_JSON_ATTRIBUTES = 128;
const MAX_JSON_DEPTH = 8;
const SEVERITY_WINDOW = 1024;

export type RecordBuilder = (
  record: AssembledRecord,
  attributes: KeyValue[],
  observedTimeUnixNano: bigint,
) => LogRecord;

export function createRecordBuilder(config: FilelogConfig): RecordBuilder {
  const severityField = config.severity?.field;
  const severityPattern = config.severity?.pattern ? RE2JS.compile(config.severity.pattern) : undefined;
  const parseJson = config.parseJson || severityField !== undefined;

  return (record, baseAttributes, observedTimeUnixNano) => {
    let attributes = baseAttributes;
    let dropped = 0;
    let severityText = '';
    const body = record.text;
    if (parseJson && body.charCodeAt(0) === 123 /* { */) {
      const fields = parseObject(body);
      if (fields) {
        if (config.parseJson) {
          attributes = baseAttributes.slice();
          for (const key of Object.keys(fields)) {
            if (attributes.length - baseAttributes.length >= MAX_JSON_ATTRIBUTES) {
              dropped++;
              continue;
            }
            const value = toAnyValue(fields[key], 0);
            if (value) attributes.push({ key, value });
          }
        }
        const level = severityField ? fields[severityField] : undefined;
        if (typeof level === 'string') severityText = level;
      }
    }
    if (!severityText && severityPattern) {
      const text = body.length > SEVERITY_WINDOW ? body.slice(0, SEVERITY_WINDOW) : body;
      if (severityPattern.test(text)) {
        const matcher = severityPattern.matcher(text);
        if (matcher.find()) severityText = matcher.group('level') ?? '';
      }
    }
    return {
      timeUnixNano: record.timeUnixNano,
      observedTimeUnixNano,
      severityNumber: severityText ? severityNumberOf(severityText) : 0,
      severityText,
      body: { stringValue: body },
      attributes,
      droppedAttributesCount: dropped,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    };
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function toAnyValue(value: unknown, depth: number): AnyValue | undefined {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isSafeInteger(value) ? { intValue: BigInt(value) } : { doubleValue: value };
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_JSON_DEPTH) return { stringValue: JSON.stringify(value) };
      if (Array.isArray(value)) {
        const values: AnyValue[] = [];
        for (const item of value) values.push(toAnyValue(item, depth + 1) ?? {});
        return { arrayValue: { values } };
      }
      const values: KeyValue[] = [];
      for (const key of Object.keys(value)) {
        const item = toAnyValue((value as Record<string, unknown>)[key], depth + 1);
        if (item) values.push({ key, value: item });
      }
      return { kvlistValue: { values } };
    }
    default:
      return undefined;
  }
}
