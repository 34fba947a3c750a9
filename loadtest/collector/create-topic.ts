// Creates a topic with as many partitions as otelgate's auto-created ones, so the Collector's
// kafka exporter writes to the same layout (the broker would auto-create it with one); and deletes
// a run's topics when it ends, so repeated benchmark runs do not fill the disk (each run writes
// up to a few GB).
import { Admin } from '@platformatic/kafka';

export async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Deletes the topics that exist among `topics`; a failure is reported, not thrown (cleanup). */
export async function deleteTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } catch (error) {
    process.stderr.write(`  could not delete topics ${topics.join(', ')}: ${(error as Error).message}\n`);
  } finally {
    await admin.close();
  }
}
