// A three-node Kafka cluster of its own (test/services/kafka-cluster) for the tests where
// partition leaders move and in-sync replica sets shrink, plus what they ask the cluster.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  Admin,
  type ClusterPartitionMetadata,
  ConfigResourceTypes,
  IncrementalAlterConfigOperationTypes,
} from '@platformatic/kafka';
import { freePortRun } from './kafka-service.ts';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../services/kafka-cluster', import.meta.url));

export interface KafkaCluster {
  brokers: string[];
  /** SIGTERM to node `id` (1..3): a controlled shutdown; returns once it exited. */
  stopNode(id: number): Promise<void>;
  /** Starts node `id` again and waits until it serves. */
  startNode(id: number): Promise<void>;
  /** Partition metadata of `topic`, fresh from the cluster. */
  partitions(topic: string): Promise<ClusterPartitionMetadata[]>;
  /** Sets a topic config, or with `undefined` removes it (back to the cluster's default). */
  setTopicConfig(topic: string, name: string, value: string | undefined): Promise<void>;
  /** Stops every node and deletes the data. */
  remove(): Promise<void>;
}

async function service(args: string[]): Promise<string> {
  const { stdout } = await run('bash', [script, ...args], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function startKafkaCluster(): Promise<KafkaCluster> {
  const port = await freePortRun(6);
  const stdout = await service(['start', '--port', String(port)]);
  const match = /^KAFKA_CLUSTER_BROKERS=(.+)$/m.exec(stdout);
  if (!match) throw new Error(`kafka-cluster printed no KAFKA_CLUSTER_BROKERS line: ${stdout}`);
  const brokers = match[1].trim().split(',');
  const admin = new Admin({ clientId: 'otelgate-test-cluster', bootstrapBrokers: brokers, retries: 5 });
  return {
    brokers,
    stopNode: async (id) => {
      await service(['stop', '--port', String(port), '--node', String(id)]);
    },
    startNode: async (id) => {
      await service(['start', '--port', String(port), '--node', String(id)]);
    },
    partitions: async (topic) => {
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
      const found = metadata.topics.get(topic);
      if (!found) throw new Error(`no metadata for topic ${topic}`);
      return found.partitions;
    },
    setTopicConfig: async (topic, name, value) => {
      await admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: topic,
            configs: [
              value === undefined
                ? { name, configOperation: IncrementalAlterConfigOperationTypes.DELETE }
                : { name, configOperation: IncrementalAlterConfigOperationTypes.SET, value },
            ],
          },
        ],
      });
    },
    remove: async () => {
      await admin.close().catch(() => {});
      await service(['reset', '--port', String(port)]);
    },
  };
}
