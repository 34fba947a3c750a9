// Topic names per signal, and creating the topics when `autoCreateTopics.enabled`.
import { Admin } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { SIGNALS, type Signal } from '../../model/common.ts';
import { clientOptions } from './client-options.ts';
import type { KafkaBufferConfig } from './config.ts';

export function topicFor(config: KafkaBufferConfig, signal: Signal): string {
  return config.topics[signal];
}

export function signalsByTopic(config: KafkaBufferConfig): Map<string, Signal> {
  return new Map(SIGNALS.map((signal) => [config.topics[signal], signal]));
}

/** Creates whichever of the signal topics and the dead-letter topic are missing. */
export async function ensureTopics(config: KafkaBufferConfig, logger: Logger): Promise<void> {
  const wanted = [...SIGNALS.map((s) => config.topics[s]), config.deadLetterTopic];
  const admin = new Admin(clientOptions(config, 'admin'));
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    try {
      // Dead letters are few and read by offset (`otelgate dlq list --from`): one partition keeps
      // their order global and an offset unambiguous.
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic,
          partitions: topic === config.deadLetterTopic ? 1 : config.autoCreateTopics.partitions,
          replicas: config.autoCreateTopics.replicationFactor,
        })),
      });
      logger.info({ topics: missing, partitions: config.autoCreateTopics.partitions }, 'created Kafka topics');
    } catch (error) {
      // Another replica may have created them in the meantime.
      const stillMissing = new Set(await admin.listTopics());
      if (missing.some((topic) => !stillMissing.has(topic))) throw error;
    }
  } finally {
    await admin.close();
  }
}
