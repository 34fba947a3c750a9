// The Kafka buffer's factory: the producer (ingest), consumers (process) and dead letters.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Signal } from '../../model/common.ts';
import { type KafkaBufferConfig, kafkaBufferConfigSchema } from './config.ts';
import { KafkaDeadLetters } from './dead-letters.ts';
import { KafkaConsumer } from './kafka-consumer.ts';
import { KafkaProducer } from './kafka-producer.ts';

export interface KafkaBuffer {
  readonly config: KafkaBufferConfig;
  producer: KafkaProducer;
  /** A member of the consumer group (`consumer.groupId` unless given); one per worker. */
  consumer(options?: { groupId?: string; signals?: readonly Signal[] }): KafkaConsumer;
  deadLetters: KafkaDeadLetters;
  /** The consumers made by `consumer()` and not closed (for metrics). */
  consumers(): KafkaConsumer[];
  close(): Promise<void>;
}

/**
 * Builds the clients; nothing connects until used. `producer.start()` connects and creates the
 * topics when `autoCreateTopics.enabled` (appends do it on first use too).
 */
export function openKafkaBuffer(
  input: z.input<typeof kafkaBufferConfigSchema> | KafkaBufferConfig,
  options: { logger: Logger },
): KafkaBuffer {
  const config = kafkaBufferConfigSchema.parse(input);
  const producer = new KafkaProducer(config, options.logger);
  const consumers = new Set<KafkaConsumer>();
  return {
    config,
    producer,
    consumer(consumerOptions = {}) {
      const consumer = new KafkaConsumer(config, options.logger, consumerOptions);
      consumers.add(consumer);
      return consumer;
    },
    deadLetters: new KafkaDeadLetters(config, producer),
    consumers: () => [...consumers],
    async close() {
      await Promise.allSettled([...consumers].map((c) => c.close()));
      await producer.close();
    },
  };
}
