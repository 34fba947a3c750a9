// Walks attributes and AnyValues in place: key rules first (a sensitive key loses its whole
// value), then the detectors on every string, into maps and arrays up to the depth limit.
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { RedactMode } from './config.ts';
import type { KeyRules } from './key-rules.ts';
import type { Replacement } from './replacement.ts';
import { DROP, type StringRedactor } from './string-redactor.ts';
import type { Tallies } from './tally.ts';

export const SENSITIVE_KEY_KIND = 'sensitive_key';
const TRUNCATED_DEPTH = '[TRUNCATED:depth]';

export interface ValueRedactorOptions {
  strings: StringRedactor;
  keys: KeyRules;
  keyMode: RedactMode;
  replacement: Replacement;
  maxDepth: number;
  maxStringLength: number;
}

export class ValueRedactor {
  private readonly options: ValueRedactorOptions;

  constructor(options: ValueRedactorOptions) {
    this.options = options;
  }

  /** Redacts a list of attributes in place, removing dropped ones. */
  attributes(list: KeyValue[], tallies: Tallies, depth = 1): void {
    let write = 0;
    for (let read = 0; read < list.length; read++) {
      const kv = list[read];
      const result = this.keyValue(kv, tallies, depth);
      if (result === DROP) continue;
      if (result !== undefined) kv.value = result;
      list[write++] = kv;
    }
    list.length = write;
  }

  /** A string the caller owns (a log body, a span name): the new text, DROP, or undefined when unchanged. */
  text(value: string, tallies: Tallies): string | typeof DROP | undefined {
    const capped = this.cap(value, tallies);
    const redacted = this.options.strings.redact(capped, tallies);
    return redacted ?? (capped === value ? undefined : capped);
  }

  /** Any value the caller owns (a log body): the new value, DROP, or undefined when unchanged. */
  value(value: AnyValue, tallies: Tallies, depth = 1): AnyValue | typeof DROP | undefined {
    if ('stringValue' in value) {
      const text = this.text(value.stringValue, tallies);
      return text === undefined || text === DROP ? text : { stringValue: text };
    }
    if ('kvlistValue' in value || 'arrayValue' in value) {
      if (depth > this.options.maxDepth) {
        tallies.batch.truncatedDepth++;
        return { stringValue: TRUNCATED_DEPTH };
      }
      if ('kvlistValue' in value) this.attributes(value.kvlistValue.values, tallies, depth + 1);
      else this.array(value.arrayValue.values, tallies, depth + 1);
    }
    return undefined;
  }

  private keyValue(kv: KeyValue, tallies: Tallies, depth: number): AnyValue | typeof DROP | undefined {
    const { keys } = this.options;
    if (keys.isAllowed(kv.key)) return undefined;
    if (keys.isSensitive(kv.key)) return this.sensitive(kv.value, tallies);
    return this.value(kv.value, tallies, depth);
  }

  private array(values: AnyValue[], tallies: Tallies, depth: number): void {
    let write = 0;
    for (let read = 0; read < values.length; read++) {
      const result = this.value(values[read], tallies, depth);
      if (result === DROP) continue;
      values[write++] = result ?? values[read];
    }
    values.length = write;
  }

  private sensitive(value: AnyValue, tallies: Tallies): AnyValue | typeof DROP | undefined {
    if (isEmpty(value)) return undefined;
    tallies.record.add(SENSITIVE_KEY_KIND);
    tallies.batch.add(SENSITIVE_KEY_KIND);
    const { keyMode, replacement } = this.options;
    if (keyMode === 'drop') return DROP;
    if (keyMode === 'hash') {
      const plain = scalarText(value);
      if (plain !== undefined) return { stringValue: replacement.hash(SENSITIVE_KEY_KIND, plain) };
    }
    return { stringValue: replacement.mask(SENSITIVE_KEY_KIND) };
  }

  private cap(value: string, tallies: Tallies): string {
    if (value.length <= this.options.maxStringLength) return value;
    tallies.batch.truncatedLength++;
    return value.slice(0, this.options.maxStringLength);
  }
}

function isEmpty(value: AnyValue): boolean {
  if ('stringValue' in value) return value.stringValue === '';
  return Object.keys(value).length === 0;
}

function scalarText(value: AnyValue): string | undefined {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return value.intValue.toString();
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return String(value.boolValue);
  return undefined;
}
