// The process loop's own metrics, declared in one place, and the same figures as plain numbers
// (stats()) for the admin server, logs and tests.
import { type Attributes, createNoopMeter, type Meter } from '@opentelemetry/api';
import type { Signal } from '../model/common.ts';
import type { PipelineGraph } from './pipeline-graph.ts';

const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];
const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ProcessStats {
  recordsConsumed: number;
  /** Items (spans, data points, log records) that came out of the processors, by signal. */
  itemsProcessed: Record<string, number>;
  /** Items each exporter confirmed, by exporter id. */
  itemsExported: Record<string, number>;
  /** Items each exporter did not confirm (rejected for good, or failed retryably), by exporter id. */
  itemsFailed: Record<string, number>;
  /** Records dead-lettered, by stage (`decode`, a processor id, an exporter id). */
  deadLettered: Record<string, number>;
  /** Records consumed for a signal that has no pipeline (committed, not exported). */
  recordsDropped: number;
  /** Derived data processors emitted that could not be delivered (queue full, rejected). */
  emitsDropped: number;
  batchesCommitted: number;
  batchesRetried: number;
  watchdogRestarts: number;
}

export class ProcessTelemetry {
  private readonly counts: ProcessStats = {
    recordsConsumed: 0,
    itemsProcessed: {},
    itemsExported: {},
    itemsFailed: {},
    deadLettered: {},
    recordsDropped: 0,
    emitsDropped: 0,
    batchesCommitted: 0,
    batchesRetried: 0,
    watchdogRestarts: 0,
  };
  private readonly instruments;

  /** `graph`: its pipelines' exporter and processor ids start the per-exporter and per-stage series at 0. */
  constructor(meter: Meter = createNoopMeter(), graph?: PipelineGraph) {
    this.instruments = {
      recordsConsumed: meter.createCounter('otelgate_process_records_consumed', {
        description: 'Buffer records handed to the process loop (redeliveries included), by signal.',
      }),
      itemsProcessed: meter.createCounter('otelgate_process_items_processed', {
        description: 'Spans, data points and log records that passed the processors, by signal.',
      }),
      itemsExported: meter.createCounter('otelgate_exporter_sent_items', {
        description: 'Spans, data points or log records an exporter confirmed, by exporter and signal.',
      }),
      itemsFailed: meter.createCounter('otelgate_exporter_failed_items', {
        description:
          'Spans, data points or log records an exporter did not confirm, by exporter, signal and reason (rejected | retryable).',
      }),
      deadLettered: meter.createCounter('otelgate_process_dead_lettered_records', {
        description: 'Records sent to the dead-letter sink, by signal and stage (decode, processor id, exporter id).',
      }),
      recordsDropped: meter.createCounter('otelgate_process_records_dropped', {
        description: 'Records consumed for a signal with no pipeline, by signal.',
      }),
      emitsDropped: meter.createCounter('otelgate_process_emits_dropped', {
        description:
          'Derived data points / spans / log records (e.g. span metrics) not delivered, by signal and reason.',
      }),
      batchDuration: meter.createHistogram('otelgate_process_batch_duration_seconds', {
        description: 'Time from a batch being handed over to its settling, by signal and outcome (committed | retry).',
        advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
      }),
      watchdogRestarts: meter.createCounter('otelgate_process_watchdog_restarts', {
        description: 'Consumer runs the watchdog restarted because a partition stopped making progress.',
      }),
    };
    // Known label sets start at 0, so rate(), increase() and absent() work before the first record.
    for (const signal of SIGNALS) {
      this.instruments.recordsConsumed.add(0, { signal });
      this.instruments.itemsProcessed.add(0, { signal });
      this.instruments.recordsDropped.add(0, { signal });
      this.instruments.deadLettered.add(0, { signal, stage: 'decode' });
    }
    this.instruments.watchdogRestarts.add(0);
    for (const signal of graph?.signals ?? []) {
      const pipeline = graph?.pipeline(signal);
      for (const { id } of pipeline?.processors ?? []) this.instruments.deadLettered.add(0, { signal, stage: id });
      for (const { id: exporter } of pipeline?.exporters ?? []) {
        this.instruments.itemsExported.add(0, { exporter, signal });
        this.instruments.deadLettered.add(0, { signal, stage: exporter });
        for (const reason of ['rejected', 'retryable'])
          this.instruments.itemsFailed.add(0, { exporter, signal, reason });
      }
    }
  }

  consumed(signal: Signal, records: number): void {
    this.counts.recordsConsumed += records;
    this.instruments.recordsConsumed.add(records, { signal });
  }

  processed(signal: Signal, items: number): void {
    bump(this.counts.itemsProcessed, signal, items);
    this.instruments.itemsProcessed.add(items, { signal });
  }

  exported(exporter: string, signal: Signal, items: number): void {
    bump(this.counts.itemsExported, exporter, items);
    this.instruments.itemsExported.add(items, { exporter, signal });
  }

  failed(exporter: string, signal: Signal, items: number, reason: 'rejected' | 'retryable'): void {
    bump(this.counts.itemsFailed, exporter, items);
    this.instruments.itemsFailed.add(items, { exporter, signal, reason });
  }

  deadLettered(signal: Signal, stage: string): void {
    bump(this.counts.deadLettered, stage, 1);
    this.instruments.deadLettered.add(1, { signal, stage });
  }

  dropped(signal: Signal, records: number): void {
    this.counts.recordsDropped += records;
    this.instruments.recordsDropped.add(records, { signal });
  }

  emitDropped(signal: Signal, items: number, reason: string): void {
    this.counts.emitsDropped += items;
    this.instruments.emitsDropped.add(items, { signal, reason });
  }

  batchSettled(signal: Signal, seconds: number, outcome: 'committed' | 'retry'): void {
    if (outcome === 'committed') this.counts.batchesCommitted++;
    else this.counts.batchesRetried++;
    const attributes: Attributes = { signal, outcome };
    this.instruments.batchDuration.record(seconds, attributes);
  }

  watchdogRestart(): void {
    this.counts.watchdogRestarts++;
    this.instruments.watchdogRestarts.add(1);
  }

  snapshot(): ProcessStats {
    return structuredClone(this.counts);
  }
}

function bump(counts: Record<string, number>, key: string, by: number): void {
  counts[key] = (counts[key] ?? 0) + by;
}
