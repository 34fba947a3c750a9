// After the broker refused a produce as short of in-sync replicas, a metadata request still
// succeeds, so "the broker answers" is not enough to accept appends again (readiness would flip
// back and forth). This check asks what the broker itself requires: every partition of the topic
// has at least min(min.insync.replicas, replicas) in-sync replicas, the rule the broker applies.
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import type { ClusterTopicMetadata } from '@platformatic/kafka';
import { clientOptions } from './client-options.ts';
import type { KafkaBufferConfig } from './config.ts';

const SHORT_OF_REPLICAS = new Set(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']);

/** True when `ids` (protocol error ids of a refused produce) say the ISR was too small. */
export function isShortOfReplicas(ids: readonly string[]): boolean {
  return ids.some((id) => SHORT_OF_REPLICAS.has(id));
}

/** `min.insync.replicas` of each topic, as the broker resolves it (topic, then broker default). */
export async function minInSyncReplicas(config: KafkaBufferConfig, topics: string[]): Promise<Map<string, number>> {
  const admin = new Admin(clientOptions(config, 'admin'));
  try {
    const described = await admin.describeConfigs({
      resources: topics.map((topic) => ({
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configurationKeys: ['min.insync.replicas'],
      })),
    });
    const result = new Map<string, number>();
    for (const resource of described) {
      const value = resource.configs.find((c) => c.name === 'min.insync.replicas')?.value;
      result.set(resource.resourceName, value ? Number(value) : 1);
    }
    return result;
  } finally {
    await admin.close();
  }
}

/** Whether every partition has as many in-sync replicas as the broker requires for acks=all. */
export function hasEnoughInSyncReplicas(topic: ClusterTopicMetadata | undefined, minInSync: number): boolean {
  if (!topic) return false;
  return topic.partitions.every((p) => p.isr.length >= Math.min(minInSync, p.replicas.length));
}
