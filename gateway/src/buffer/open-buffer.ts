import { createNoopMeter, type Meter } from '@opentelemetry/api';
import type { BufferConsumer, BufferProducer, DeadLetterSink } from '@otelgate/pipelines/buffer/buffer.ts';
import { registerEmbeddedLogMetrics } from '@otelgate/pipelines/buffer/embedded/metrics.ts';
import { openEmbeddedLog } from '@otelgate/pipelines/buffer/embedded/open-embedded-log.ts';
import { registerKafkaBufferMetrics } from '@otelgate/pipelines/buffer/kafka/metrics.ts';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.ts';
import type { DeadLetterStore } from '@otelgate/pipelines/buffer/dead-letters/dead-letter-store.ts';

/** The buffer the config names, behind the small interface both roles use. */
export interface OpenedBuffer {
  kind: 'embedded' | 'kafka';
  producer: BufferProducer;
  /** A consumer in `group`; with Kafka, a member of the consumer group (one per worker process). */
  consumer(group: string): BufferConsumer;
  deadLetters: DeadLetterSink;
  /** For `otelgate dlq` and the admin `/dlq` endpoints. */
  deadLetterStore: DeadLetterStore;
  close(): Promise<void>;
}

/** Kafka when `buffer.kafka` is configured, else the embedded on-disk log; its metrics go on `meter`. */
export async function openBuffer(
  config: GatewayConfig,
  logger: Logger,
  meter: Meter = createNoopMeter(),
): Promise<OpenedBuffer> {
  if (config.buffer.kafka) {
    // Ingest loads only the producer side: the consumers' Kafka client is ~44 MiB of RSS.
    const kafka =
      config.service.role === 'ingest'
        ? (await import('@otelgate/pipelines/buffer/kafka/open-kafka-ingest.ts')).openKafkaIngest(config.buffer.kafka, {
            logger,
          })
        : (await import('@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts')).openKafkaBuffer(config.buffer.kafka, {
            logger,
          });
    const unregister = registerKafkaBufferMetrics(meter, {
      producer: kafka.producer,
      consumers: () => kafka.consumers(),
      deadLetters: kafka.deadLetters,
      appendsHere: config.service.role !== 'process',
    });
    if (config.service.role !== 'process') {
      // Connect now so /readyz is true from the start; a broker that is down is not fatal:
      // appends are refused with 503 until the producer's probe finds it again.
      await kafka.producer.start().catch((error: unknown) => {
        logger.warn({ err: error }, 'Kafka not reachable at start; refusing data until it is');
      });
    }
    return {
      kind: 'kafka',
      producer: kafka.producer,
      consumer: (group) => kafka.consumer({ groupId: group }),
      deadLetters: kafka.deadLetters,
      deadLetterStore: kafka.deadLetters,
      async close() {
        unregister();
        await kafka.close();
      },
    };
  }
  const log = await openEmbeddedLog(config.buffer.embedded, { logger });
  const unregister = registerEmbeddedLogMetrics(meter, () => log.stats());
  return {
    kind: 'embedded',
    producer: log.producer,
    consumer: (group) => log.consumer(group),
    deadLetters: log.deadLetters,
    deadLetterStore: log.deadLetters,
    async close() {
      unregister();
      await log.close();
    },
  };
}
