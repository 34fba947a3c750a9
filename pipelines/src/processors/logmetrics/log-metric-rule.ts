// One configured metric, compiled: decides whether a log record counts, and with which labels
// and value. Patterns run on re2js (linear in the input, see redact/custom-pattern.ts) over
// bodies no longer than maxBodyLength, so no log line can make matching expensive.
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { RE2JS } from 're2js';
import { findAttribute, scalarString } from '../resource-identity.ts';
import { type LogMetricConfig, SEVERITY_SOURCE } from './config.ts';
import type { DropReason } from './metrics.ts';

export interface Observation {
  labels: KeyValue[];
  value: number;
}

const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** TRACE .. FATAL from the SeverityNumber; the text (upper-cased) when the number is unset. */
export function severityName(record: LogRecord): string {
  if (record.severityNumber >= 1 && record.severityNumber <= 24)
    return SEVERITY_NAMES[Math.floor((record.severityNumber - 1) / 4)];
  return record.severityText ? record.severityText.toUpperCase() : 'UNSPECIFIED';
}

export class LogMetricRule {
  readonly config: LogMetricConfig;
  private readonly pattern: RE2JS | undefined;
  /** Whether a match's captures are read (else the cheaper test() decides). */
  private readonly readsCaptures: boolean;
  private readonly captureNames: Set<string>;
  private readonly attributeMatches: [string, string][];
  private readonly maxBodyLength: number;
  private readonly maxLabelValueLength: number;

  constructor(config: LogMetricConfig, limits: { maxBodyLength: number; maxLabelValueLength: number }) {
    this.config = config;
    this.maxBodyLength = limits.maxBodyLength;
    this.maxLabelValueLength = limits.maxLabelValueLength;
    this.attributeMatches = Object.entries(config.match.attributes);
    this.pattern =
      config.pattern === undefined
        ? undefined
        : RE2JS.compile(config.pattern, config.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    this.captureNames = new Set(this.pattern ? Object.keys(this.pattern.namedGroups()) : []);
    const sources = [config.value, ...config.labels.map((l) => l.from ?? l.name)];
    this.readsCaptures = sources.some((s) => s !== undefined && this.captureNames.has(s));
  }

  /** The observation for this record, a reason it cannot be counted, or undefined when it does not match. */
  evaluate(record: LogRecord, resource: KeyValue[]): Observation | DropReason | undefined {
    if (record.severityNumber < this.config.match.minSeverityNumber) return undefined;
    for (const [key, expected] of this.attributeMatches) {
      const actual = scalarString(findAttribute(record.attributes, key) ?? findAttribute(resource, key));
      if (actual !== expected) return undefined;
    }
    let captures: Map<string, string> | undefined;
    if (this.pattern) {
      const body = record.body && 'stringValue' in record.body ? record.body.stringValue : undefined;
      if (body === undefined) return undefined;
      if (body.length > this.maxBodyLength) return 'body_too_long';
      if (this.readsCaptures) {
        // One pass with submatches; a test() first would only pay off on bodies that mostly do not match.
        const matcher = this.pattern.matcher(body);
        if (!matcher.find()) return undefined;
        captures = new Map();
        for (const name of this.captureNames) {
          const text = matcher.group(name);
          if (text !== null) captures.set(name, text);
        }
      } else if (!this.pattern.test(body)) return undefined;
    }
    const lookup = (source: string): string | undefined => {
      if (source === SEVERITY_SOURCE) return severityName(record);
      if (this.captureNames.has(source)) return captures?.get(source);
      return scalarString(findAttribute(record.attributes, source) ?? findAttribute(resource, source));
    };
    let value = 1;
    if (this.config.value !== undefined) {
      const text = lookup(this.config.value)?.trim();
      const parsed = text ? Number(text) : Number.NaN;
      if (!Number.isFinite(parsed)) return 'not_a_number';
      value = parsed * this.config.scale;
    }
    const labels: KeyValue[] = [];
    for (const label of this.config.labels) {
      const text = lookup(label.from ?? label.name) ?? label.default;
      if (text !== undefined)
        labels.push({ key: label.name, value: { stringValue: text.slice(0, this.maxLabelValueLength) } });
    }
    return { labels, value };
  }
}
