// Fills a topic with `count` OTLP messages (otlp_proto, no headers: what the Collector's kafka
// exporter writes), spread round-robin over its partitions, acks=all. Both sides of the workers
// comparison then consume the same kind of backlog.
import { Producer, ProduceAcks } from '@platformatic/kafka';
import { createTopic } from './create-topic.ts';

const CHUNK = 200;

export async function fillTopic(
  brokers: string[],
  topic: string,
  partitions: number,
  count: number,
  message: (index: number) => Uint8Array,
): Promise<{ bytes: number }> {
  await createTopic(brokers, topic, partitions);
  const producer = new Producer({ clientId: 'bench-fill', bootstrapBrokers: brokers, acks: ProduceAcks.ALL });
  let bytes = 0;
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const messages = [];
      for (let index = start; index < Math.min(count, start + CHUNK); index++) {
        const value = Buffer.from(message(index));
        bytes += value.length;
        messages.push({ topic, partition: index % partitions, value });
      }
      await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
  return { bytes };
}
