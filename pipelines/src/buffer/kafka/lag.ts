// Consumer lag per partition: the high watermark minus the group's committed offset.
import type { Consumer } from '@platformatic/kafka';
import type { Signal } from '../../model/common.ts';
import type { PartitionLag } from '../buffer.ts';

export async function partitionLags(
  consumer: Consumer<Buffer, Buffer, string, string>,
  topics: string[],
  signalOf: Map<string, Signal>,
): Promise<PartitionLag[]> {
  const [latest, earliest] = await Promise.all([
    consumer.listOffsets({ topics }),
    consumer.listOffsets({ topics, timestamp: -2n }),
  ]);
  const committed = await consumer.listCommittedOffsets({
    topics: topics.map((topic) => ({ topic, partitions: (latest.get(topic) ?? []).map((_, i) => i) })),
  });
  const out: PartitionLag[] = [];
  for (const topic of topics) {
    const signal = signalOf.get(topic)!;
    const highs = latest.get(topic) ?? [];
    for (let partition = 0; partition < highs.length; partition++) {
      const commit = committed.get(topic)?.[partition] ?? -1n;
      // Without a commit the group would start at the oldest record still kept.
      const from = commit >= 0n ? commit : (earliest.get(topic)?.[partition] ?? 0n);
      const lag = highs[partition] - from;
      out.push({ signal, partition, committedOffset: commit, lag: lag > 0n ? lag : 0n });
    }
  }
  return out;
}
