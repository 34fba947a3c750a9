import type { BatchObservableResult, Meter } from '@opentelemetry/api';
import type { BufferConsumer } from '@otelgate/pipelines/buffer/buffer.ts';
import { EmitQueue } from '@otelgate/pipelines/process/emit-queue.ts';
import { startProcessLoop } from '@otelgate/pipelines/process/process-loop.ts';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { OpenedBuffer } from '../buffer/open-buffer.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { buildReloadablePipelines, type ReloadablePipelines } from '../reload/reloadable-pipelines.ts';

/** The consumer group whose offsets the embedded log keeps (Kafka: `buffer.kafka.consumer.groupId`). */
const EMBEDDED_CONSUMER_GROUP = 'otelgate';

export interface ProcessRole {
  isRunning(): boolean;
  stop(): Promise<void>;
  /** The graph that reload swaps and tap decorates. */
  pipelines: ReloadablePipelines;
}

/** Builds the pipeline graph (validated once) and drains the buffer through it. */
export async function startProcessRole(
  config: GatewayConfig,
  buffer: OpenedBuffer,
  logger: Logger,
  meter: Meter,
): Promise<ProcessRole> {
  const pipelines = await buildReloadablePipelines(
    { pipelines: config.pipelines, processors: config.processors, exporters: config.exporters },
    { logger, dataDir: config.buffer.embedded.dir, meter, emitted: new EmitQueue(config.process.maxPendingEmits) },
  );
  const consumer = buffer.consumer(config.buffer.kafka?.consumer.groupId ?? EMBEDDED_CONSUMER_GROUP);
  const stopLagMetrics = declareLagMetrics(consumer, meter);
  const loop = await startProcessLoop({
    consumer: pipelines.gated(consumer),
    deadLetters: buffer.deadLetters,
    graph: pipelines.live,
    logger,
    meter,
    config: {
      ...config.process,
      quarantine: {
        ...config.process.quarantine,
        dir: config.process.quarantine.dir ?? join(config.buffer.embedded.dir, 'in-hand'),
      },
    },
  });
  return {
    isRunning: () => loop.isRunning(),
    pipelines,
    async stop() {
      await loop.stop();
      stopLagMetrics();
    },
  };
}

/** Consumer lag and committed offset per signal and partition, read from the buffer at scrape time. */
function declareLagMetrics(consumer: BufferConsumer, meter: Meter): () => void {
  const lag = meter.createObservableGauge('otelgate_consumer_lag', {
    description: 'Records appended to the buffer but not yet committed by the process loop, by signal and partition.',
  });
  const committed = meter.createObservableGauge('otelgate_consumer_committed_offset', {
    description: 'The next offset the process loop will read after a restart, by signal and partition.',
  });
  const observe = async (observer: BatchObservableResult) => {
    for (const partition of await consumer.lag()) {
      const attributes = { signal: partition.signal, partition: String(partition.partition) };
      observer.observe(lag, Number(partition.lag), attributes);
      observer.observe(committed, Number(partition.committedOffset), attributes);
    }
  };
  meter.addBatchObservableCallback(observe, [lag, committed]);
  return () => meter.removeBatchObservableCallback(observe, [lag, committed]);
}
