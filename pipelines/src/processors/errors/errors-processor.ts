// Walks spans and log records through the error tagger and reports the batch's counts.
import type { Processor, RecordContext, SignalData } from '@otelgate/pipelines/components/component.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import type { ErrorTagger, TagStats } from './error-tagger.ts';
import type { ErrorsMetrics } from './metrics.ts';

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
      for (const rs of (data as SignalData['traces']).resourceSpans) {
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            records++;
            this.tagger.span(span, stats);
          }
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
