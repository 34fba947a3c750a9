// Topic names per signal, and creating the topics when `autoCreateTopics.enabled`.
import type { Logger } from 'pino';
import { sleep } from '../../delivery/backoff.ts';
import { SIGNALS, type Signal } from '../../model/common.ts';
import type { KafkaBufferConfig } from './config.ts';
import type { Cluster } from './wire/cluster.ts';
import { createTopics } from './wire/protocol.ts';

export function topicFor(config: KafkaBufferConfig, signal: Signal): string {
  return config.topics[signal];
}

export function signalsByTopic(config: KafkaBufferConfig): Map<string, Signal> {
  return new Map(SIGNALS.map((signal) => [config.topics[signal], signal]));
}

/** Creates whichever of the signal topics and the dead-letter topic are missing. */
export async function ensureTopics(cluster: Cluster, config: KafkaBufferConfig, logger: Logger): Promise<void> {
  const wanted = [...SIGNALS.map((s) => config.topics[s]), config.deadLetterTopic];
  const known = await cluster.refresh(wanted);
  const missing = wanted.filter((topic) => known.topics.get(topic)?.errorCode !== 0);
  if (missing.length === 0) return;
  // Dead letters are few and read by offset (`otelgate dlq list --from`): one partition keeps
  // their order global and an offset unambiguous. A topic another replica created meanwhile is
  // not an error (createTopics skips TOPIC_ALREADY_EXISTS).
  const created = await createTopics(
    await cluster.anyConnection(),
    missing.map((name) => ({
      name,
      partitions: name === config.deadLetterTopic ? 1 : config.autoCreateTopics.partitions,
      replicationFactor: config.autoCreateTopics.replicationFactor,
    })),
    config.requestTimeoutMs,
  );
  if (created.length > 0) {
    logger.info({ topics: created, partitions: config.autoCreateTopics.partitions }, 'created Kafka topics');
  }
  // A new topic reaches the brokers' metadata a moment after CreateTopics answers: wait for its
  // leaders (bounded; a send retries its metadata too).
  const deadline = Date.now() + config.requestTimeoutMs;
  while (Date.now() < deadline) {
    const fresh = await cluster.refresh(missing);
    const ready = missing.every((topic) => {
      const t = fresh.topics.get(topic);
      return t?.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);
    });
    if (ready) return;
    await sleep(50);
  }
}
