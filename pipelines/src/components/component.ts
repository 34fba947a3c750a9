// What processors and exporters look like to the process loop. Each component is a
// folder with config.ts (zod schema + defaults), factory.ts and its work, tests beside it.
import type { Signal } from '../model/common.ts';
import type { LogsData } from '../model/logs.ts';
import type { MetricsData } from '../model/metrics.ts';
import type { TracesData } from '../model/traces.ts';
import type { Logger } from 'pino';

export interface SignalData {
  traces: TracesData;
  metrics: MetricsData;
  logs: LogsData;
}

/** What travelled with a buffered record besides the payload. */
export interface RecordContext {
  tenant: string | undefined;
  /** The client address ingest saw, when it was recorded. */
  peerAddress: string | undefined;
}

/** Where a processor hands data it derives for another signal (spanmetrics: metrics from spans). */
export interface Emitter {
  emit<S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext): void;
}

export interface ComponentContext extends Emitter {
  logger: Logger;
  /**
   * Derived data produced outside `process()` (a periodic flush) goes here: it is queued (bounded)
   * and the process loop delivers it to that signal's exporters in the background.
   */
  emit<S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext): void;
}

export interface Processor {
  readonly name: string;
  readonly signals: readonly Signal[];
  /**
   * May change `data` in place and return it. Must not throw on odd input: count and move on.
   * Data derived from this record for another signal goes to `out` (the process loop always
   * passes one): it is delivered with the record's chunk, before the record is committed.
   */
  process<S extends Signal>(
    signal: S,
    data: SignalData[S],
    ctx: RecordContext,
    out?: Emitter,
  ): SignalData[S] | Promise<SignalData[S]>;
  shutdown?(): Promise<void>;
}

export interface ExportItem<S extends Signal = Signal> {
  data: SignalData[S];
  ctx: RecordContext;
  /** Identifies the source record (for dead letters and logs). */
  source: { partition: number; offset: bigint };
}

export interface ExportResult {
  /** Items the destination refused for good, by index into the items given; they go to the dead-letter path. */
  rejected: { index: number; reason: string }[];
}

export interface Exporter {
  readonly name: string;
  readonly signals: readonly Signal[];
  start?(): Promise<void>;
  /**
   * Resolves when the destination confirmed every item not listed in `rejected`.
   * Throws a retryable OtelgateError when it cannot confirm now: the batch is retried
   * later and nothing is committed.
   */
  export<S extends Signal>(signal: S, items: ExportItem<S>[]): Promise<ExportResult>;
  shutdown(): Promise<void>;
}
