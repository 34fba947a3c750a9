// After the broker refused a produce as short of in-sync replicas, a metadata request still
// succeeds, so "the broker answers" is not enough to accept appends again (readiness would flip
// back and forth). This check asks what the broker itself requires: every partition of the topic
// has at least min(min.insync.replicas, replicas) in-sync replicas, the rule the broker applies.
import type { Cluster } from './wire/cluster.ts';
import { describeTopicConfigs } from './wire/protocol.ts';

const SHORT_OF_REPLICAS = new Set(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']);

/** True when `ids` (protocol error ids of a refused produce) say the ISR was too small. */
export function isShortOfReplicas(ids: readonly string[]): boolean {
  return ids.some((id) => SHORT_OF_REPLICAS.has(id));
}

/** `min.insync.replicas` of each topic, as the broker resolves it (topic, then broker default). */
export async function minInSyncReplicas(cluster: Cluster, topics: string[]): Promise<Map<string, number>> {
  const described = await describeTopicConfigs(await cluster.anyConnection(), topics, ['min.insync.replicas']);
  const result = new Map<string, number>();
  for (const [topic, configs] of described) {
    const value = configs.get('min.insync.replicas');
    result.set(topic, value ? Number(value) : 1);
  }
  return result;
}

/** Whether every partition has as many in-sync replicas as the broker requires for acks=all. */
export function hasEnoughInSyncReplicas(
  topic: { partitions: readonly { isr: readonly number[]; replicas: readonly number[] }[] } | undefined,
  minInSync: number,
): boolean {
  if (!topic || topic.partitions.length === 0) return false;
  return topic.partitions.every((p) => p.isr.length >= Math.min(minInSync, p.replicas.length));
}
