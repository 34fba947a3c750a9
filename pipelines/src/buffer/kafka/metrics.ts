// The Kafka buffer's own metrics, read when /metrics is scraped. Lag is asked of the broker at
// scrape time (one ListOffsets and one OffsetFetch per consumer). Counters without `_total`:
// the Prometheus exporter adds it.
import type { Meter } from '@opentelemetry/api';
import type { KafkaConsumer } from './kafka-consumer.ts';
import type { KafkaProducer } from './kafka-producer.ts';

export interface KafkaBufferParts {
  producer: KafkaProducer;
  /** The consumers running in this process (none in the ingest role). */
  consumers: () => readonly KafkaConsumer[];
  /** Records dead-lettered by this process, by stage. */
  deadLetters: { readonly written: ReadonlyMap<string, number> };
  /**
   * Whether this process takes appends (ingest and `both`; not a process-only worker). Only then
   * is `otelgate_kafka_writable` reported: a worker's producer is not started, and reporting it
   * (or starting it by asking) would fire OtelgateBufferNotWritable on every worker.
   */
  appendsHere: boolean;
}

/** The refusal kinds the producer counts; reported at 0 before the first, so rate() and alerts work. */
const REFUSAL_KINDS = ['unavailable', 'payload-too-large', 'internal'];

const LAG_TIMEOUT_MS = 5_000;

/** Declares the `otelgate_kafka_*` instruments on `meter`; returns a function that removes them. */
export function registerKafkaBufferMetrics(meter: Meter, parts: KafkaBufferParts): () => void {
  const writable = meter.createObservableGauge('otelgate_kafka_writable', {
    description:
      '1 while the Kafka producer accepts appends; 0 while the broker is unreachable. Only where appends are taken (not on process-only workers).',
  });
  const appended = meter.createObservableCounter('otelgate_kafka_appended_messages', {
    description: 'Messages Kafka acknowledged (acks=all), after splitting and merging.',
  });
  const appendedBytes = meter.createObservableCounter('otelgate_kafka_appended_bytes', {
    description: 'Message value bytes Kafka acknowledged (before compression).',
    unit: 'By',
  });
  const refused = meter.createObservableCounter('otelgate_kafka_refused_appends', {
    description: 'Appends refused, by kind: unavailable, payload-too-large, internal.',
  });
  const consumed = meter.createObservableCounter('otelgate_kafka_consumed_records', {
    description: 'Records fetched and queued for the process loop.',
  });
  const committed = meter.createObservableCounter('otelgate_kafka_committed_batches', {
    description: 'Batches whose offsets were committed after the handler settled them.',
  });
  const retried = meter.createObservableCounter('otelgate_kafka_retried_batches', {
    description: 'Batches the handler rejected (handed over again after a backoff).',
  });
  const rebalances = meter.createObservableCounter('otelgate_kafka_rebalances', {
    description: 'Consumer group rebalances this worker took part in.',
  });
  const watchdog = meter.createObservableCounter('otelgate_kafka_watchdog_restarts', {
    description: 'Kafka clients replaced because nothing moved while records waited.',
  });
  const deadLetters = meter.createObservableCounter('otelgate_kafka_dead_letters', {
    description: 'Records written to the dead-letter topic, by stage.',
  });
  const lag = meter.createObservableGauge('otelgate_kafka_consumer_lag', {
    description: 'Records appended but not committed, by signal and partition.',
  });
  const committedOffset = meter.createObservableGauge('otelgate_kafka_committed_offset', {
    description: 'The consumer group committed offset, by signal and partition (-1: none yet).',
  });

  const callback: Parameters<Meter['addBatchObservableCallback']>[0] = async (result) => {
    const { producer } = parts;
    if (parts.appendsHere) result.observe(writable, producer.isWritable() ? 1 : 0);
    result.observe(appended, producer.stats.appendedMessages);
    result.observe(appendedBytes, producer.stats.appendedBytes);
    const refusals = { ...Object.fromEntries(REFUSAL_KINDS.map((kind) => [kind, 0])), ...producer.stats.refused };
    for (const [kind, count] of Object.entries(refusals)) result.observe(refused, count, { kind });
    for (const [stage, count] of parts.deadLetters.written) result.observe(deadLetters, count, { stage });
    const consumers = parts.consumers();
    if (consumers.length === 0) return;
    const sum = (pick: (c: KafkaConsumer) => number) => consumers.reduce((total, c) => total + pick(c), 0);
    result.observe(
      consumed,
      sum((c) => c.stats.recordsConsumed),
    );
    result.observe(
      committed,
      sum((c) => c.stats.batchesCommitted),
    );
    result.observe(
      retried,
      sum((c) => c.stats.batchesRetried),
    );
    result.observe(
      rebalances,
      sum((c) => c.stats.rebalances),
    );
    result.observe(
      watchdog,
      sum((c) => c.stats.watchdogRestarts),
    );
    // Group-wide figures: any open member can ask.
    const asker = consumers.find((c) => !c.closed);
    if (!asker) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const lags = await Promise.race([
      asker.lag(),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), LAG_TIMEOUT_MS);
      }),
    ]).catch(() => undefined);
    clearTimeout(timer);
    for (const partition of lags ?? []) {
      const labels = { signal: partition.signal, partition: String(partition.partition) };
      result.observe(lag, Number(partition.lag), labels);
      result.observe(committedOffset, Number(partition.committedOffset), labels);
    }
  };
  const observables = [writable, appended, appendedBytes, refused, consumed, committed, retried, rebalances];
  observables.push(watchdog, deadLetters, lag, committedOffset);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
