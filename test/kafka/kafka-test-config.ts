// A `buffer.kafka` config for one test: its own topics and consumer group, short timeouts.
import type { z } from 'zod';
import type { kafkaBufferConfigSchema } from '@otelgate/pipelines/buffer/kafka/config.ts';
import { uniqueName } from './kafka-service.ts';

type KafkaConfigInput = z.input<typeof kafkaBufferConfigSchema>;

export function testKafkaConfig(brokers: string[], overrides: Partial<KafkaConfigInput> = {}): KafkaConfigInput {
  const id = uniqueName('t');
  return {
    brokers,
    clientId: `otelgate-${id}`,
    topics: { traces: `${id}-spans`, metrics: `${id}-metrics`, logs: `${id}-logs` },
    deadLetterTopic: `${id}-deadletter`,
    autoCreateTopics: { enabled: true, partitions: 3, replicationFactor: 1 },
    requestTimeoutMs: 5_000,
    deliveryTimeoutMs: 10_000,
    retries: 1,
    ...overrides,
    producer: { probeIntervalMs: 250, ...overrides.producer },
    consumer: {
      groupId: `${id}-group`,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 15_000,
      retryInitialMs: 50,
      retryMaxMs: 500,
      watchdogIntervalMs: 3_000,
      ...overrides.consumer,
    },
  };
}
