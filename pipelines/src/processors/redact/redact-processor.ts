// Applies the value redactor to every place the config scopes in, and writes the summary
// attributes on each record (or resource, or scope) that changed.
import type { Processor, RecordContext, SignalData } from '@otelgate/pipelines/components/component.ts';
import type { KeyValue, Signal } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import type { Span } from '@otelgate/pipelines/model/traces.ts';
import type { RedactConfig } from './config.ts';
import type { RedactMetrics } from './metrics.ts';
import { DROP } from './string-redactor.ts';
import { BatchTally, RecordTally, type Tallies } from './tally.ts';
import type { ValueRedactor } from './value-redactor.ts';

export const SUMMARY_COUNT = 'otelgate.redaction.count';
export const SUMMARY_KINDS = 'otelgate.redaction.kinds';

export class RedactProcessor implements Processor {
  readonly name: string;
  readonly signals = ['traces', 'logs'] as const;
  private readonly config: RedactConfig;
  private readonly values: ValueRedactor;
  private readonly metrics: RedactMetrics;

  constructor(name: string, config: RedactConfig, values: ValueRedactor, metrics: RedactMetrics) {
    this.name = name;
    this.metrics = metrics;
    this.config = config;
    this.values = values;
  }

  process<S extends Signal>(signal: S, data: SignalData[S], _ctx: RecordContext): SignalData[S] {
    const tallies: Tallies = { record: new RecordTally(), batch: new BatchTally() };
    if (signal === 'traces') {
      for (const rs of (data as SignalData['traces']).resourceSpans) {
        if (this.config.scope.resourceAttributes) this.attributesOf(rs.resource.attributes, tallies);
        for (const ss of rs.scopeSpans) {
          if (this.config.scope.scopeAttributes) this.attributesOf(ss.scope.attributes, tallies);
          for (const span of ss.spans) this.span(span, tallies);
        }
      }
    } else if (signal === 'logs') {
      for (const rl of (data as SignalData['logs']).resourceLogs) {
        if (this.config.scope.resourceAttributes) this.attributesOf(rl.resource.attributes, tallies);
        for (const sl of rl.scopeLogs) {
          if (this.config.scope.scopeAttributes) this.attributesOf(sl.scope.attributes, tallies);
          for (const record of sl.logRecords) this.logRecord(record, tallies);
        }
      }
    }
    this.report(signal, tallies.batch);
    return data;
  }

  /** Redacts one span in place (exposed for the benchmark and tests). */
  span(span: Span, tallies: Tallies): void {
    tallies.batch.records++;
    tallies.record.reset();
    this.values.attributes(span.attributes, tallies);
    for (const event of span.events) this.values.attributes(event.attributes, tallies);
    for (const link of span.links) this.values.attributes(link.attributes, tallies);
    if (this.config.scope.spanNames) {
      const name = this.values.text(span.name, tallies);
      if (name === DROP) span.name = '[REDACTED]';
      else if (name !== undefined) span.name = name;
    }
    this.summarize(span.attributes, tallies.record);
  }

  /** Redacts one log record in place (exposed for the benchmark and tests). */
  logRecord(record: LogRecord, tallies: Tallies): void {
    tallies.batch.records++;
    tallies.record.reset();
    this.values.attributes(record.attributes, tallies);
    if (this.config.scope.logBodies && record.body !== undefined) {
      const body = this.values.value(record.body, tallies);
      if (body === DROP) record.body = {};
      else if (body !== undefined) record.body = body;
    }
    this.summarize(record.attributes, tallies.record);
  }

  private attributesOf(attributes: KeyValue[], tallies: Tallies): void {
    tallies.record.reset();
    this.values.attributes(attributes, tallies);
    this.summarize(attributes, tallies.record);
  }

  private summarize(attributes: KeyValue[], record: RecordTally): void {
    if (record.count === 0 || !this.config.summaryAttributes) return;
    attributes.push(
      { key: SUMMARY_COUNT, value: { intValue: BigInt(record.count) } },
      {
        key: SUMMARY_KINDS,
        value: { arrayValue: { values: [...record.kinds].sort().map((kind) => ({ stringValue: kind })) } },
      },
    );
  }

  private report(signal: Signal, batch: BatchTally): void {
    this.metrics.recordsProcessed.add(batch.records, { processor: 'redact', signal });
    for (const [kind, count] of batch.byKind) this.metrics.redactedValues.add(count, { kind });
    if (batch.truncatedDepth)
      this.metrics.truncated.add(batch.truncatedDepth, { processor: 'redact', reason: 'depth' });
    if (batch.truncatedLength)
      this.metrics.truncated.add(batch.truncatedLength, { processor: 'redact', reason: 'length' });
  }
}
