// Walks spans and log records through the error tagger and reports the batch's counts.
import type { Processor, RecordContext, SignalData } from '@otelgate/pipelines/components/component.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import type { ErrorTagger, SpanError, TagStats } from './error-tagger.ts';
import type { ErrorsMetrics } from './metrics.ts';
import { errorRoles, markRepeated } from './trace-errors.ts';

export class ErrorsProcessor implements Processor {
  readonly name: string;
  readonly signals = ['traces', 'logs'] as const;
  private readonly tagger: ErrorTagger;
  private readonly metrics: ErrorsMetrics;

  constructor(name: string, tagger: ErrorTagger, metrics: ErrorsMetrics) {
    this.name = name;
    this.tagger = tagger;
    this.metrics = metrics;
  }

  process<S extends Signal>(signal: S, data: SignalData[S], _ctx: RecordContext): SignalData[S] {
    const stats: TagStats = { byCategory: new Map(), truncated: 0 };
    let records = 0;
    if (signal === 'traces') {
      // Error spans by trace: which of them are tagged is decided per trace (trace-errors.ts).
      const byTrace = new Map<string, SpanError[]>();
      for (const rs of (data as SignalData['traces']).resourceSpans) {
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            records++;
            const error = this.tagger.spanError(span);
            if (!error) continue;
            const list = byTrace.get(span.traceId);
            if (list) list.push(error);
            else byTrace.set(span.traceId, [error]);
          }
        }
      }
      for (const errors of byTrace.values()) {
        const roles = errorRoles(errors);
        for (let i = 0; i < errors.length; i++) {
          if (roles[i] === 'repeat') markRepeated(errors[i].span.attributes);
          else this.tagger.tagSpan(errors[i], stats, roles[i] === 'origin');
        }
      }
    } else if (signal === 'logs') {
      for (const rl of (data as SignalData['logs']).resourceLogs) {
        for (const sl of rl.scopeLogs) {
          for (const record of sl.logRecords) {
            records++;
            this.tagger.logRecord(record, stats);
          }
        }
      }
    }
    this.metrics.recordsProcessed.add(records, { processor: 'errors', signal });
    for (const [category, count] of stats.byCategory) this.metrics.errorsTagged.add(count, { category, signal });
    if (stats.truncated) this.metrics.truncated.add(stats.truncated, { processor: 'errors', reason: 'length' });
    return data;
  }
}
