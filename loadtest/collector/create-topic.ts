// Creates a topic with as many partitions as otelgate's auto-created ones, so the Collector's
// kafka exporter writes to the same layout (the broker would auto-create it with one).
import { Admin } from '@platformatic/kafka';

export async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}
