// Kafka client choice (issue 3): produce and consume throughput of 50 KB messages against the
// real broker (test/services/kafka), acks=all with an idempotent producer, no compression.
// Each client runs in its own child process so CPU figures are its own.
// Clients: @platformatic/kafka, kafkajs, and @confluentinc/kafka-javascript when it resolves
// (it is not a project dependency: its native build needs librdkafka; point CKJS_MODULE at an
// install to include it).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startKafka, uniqueName } from '../../../test/kafka/kafka-service.ts';

const quick = process.argv.includes('--quick');
const MESSAGE_BYTES = 50 * 1024;
const MESSAGES = quick ? 400 : 4000;
const PER_SEND = 10;
const IN_FLIGHT = 4;
const PARTITIONS = 3;

interface ClientFigures {
  produce_msgs_per_s: number;
  produce_mib_per_s: number;
  produce_cpu_ms_per_1k_msgs: number;
  consume_msgs_per_s: number;
  consume_cpu_ms_per_1k_msgs: number;
}

interface ClientDriver {
  produce(topic: string, batches: { key: Buffer; value: Buffer }[][]): Promise<void>;
  consumeAll(topic: string, expected: number): Promise<void>;
  close(): Promise<void>;
}

async function withInFlight<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

async function platformaticDriver(brokers: string[]): Promise<ClientDriver> {
  const { Producer, Consumer, Admin, ProduceAcks } = await import('@platformatic/kafka');
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
  const producer = new Producer({
    clientId: 'bench-producer',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  return {
    async produce(topic, batches) {
      await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
      await withInFlight(batches, IN_FLIGHT, async (batch) => {
        await producer.send({ messages: batch.map((m) => ({ topic, key: m.key, value: m.value })) });
      });
    },
    async consumeAll(topic, expected) {
      const consumer = new Consumer({
        clientId: 'bench-consumer',
        groupId: uniqueName('bench'),
        bootstrapBrokers: brokers,
      });
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'earliest',
        autocommit: false,
        maxBytes: 8 * 2 ** 20,
      });
      let seen = 0;
      for await (const _message of stream) {
        if (++seen >= expected) break;
      }
      await stream.close();
      await consumer.close(true);
    },
    async close() {
      await producer.close();
      await admin.close();
    },
  };
}

interface KafkaJsLike {
  producer(options: object): {
    connect(): Promise<void>;
    send(options: object): Promise<unknown>;
    disconnect(): Promise<void>;
  };
  consumer(options: object): {
    connect(): Promise<void>;
    subscribe(options: object): Promise<void>;
    run(options: object): Promise<void>;
    disconnect(): Promise<void>;
  };
  admin(): {
    connect(): Promise<void>;
    createTopics(options: object): Promise<unknown>;
    disconnect(): Promise<void>;
  };
}

/** kafkajs and the Confluent client's KafkaJS-compatible API differ only in where options go. */
async function kafkaJsStyleDriver(kafka: KafkaJsLike, confluent: boolean): Promise<ClientDriver> {
  const wrap = (options: object) => (confluent ? { kafkaJS: options } : options);
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer(
    wrap({ idempotent: true, maxInFlightRequests: confluent ? 5 : 1, ...(confluent ? { acks: -1 } : {}) }),
  );
  await producer.connect();
  return {
    async produce(topic, batches) {
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });
      await withInFlight(batches, IN_FLIGHT, async (batch) => {
        await producer.send({ topic, ...(confluent ? {} : { acks: -1 }), messages: batch });
      });
    },
    async consumeAll(topic, expected) {
      const consumer = kafka.consumer(wrap({ groupId: uniqueName('bench'), fromBeginning: true }));
      await consumer.connect();
      await consumer.subscribe(confluent ? { topics: [topic] } : { topic, fromBeginning: true });
      let seen = 0;
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachBatch: async ({ batch }: { batch: { messages: unknown[] } }) => {
            seen += batch.messages.length;
            if (seen >= expected) resolve();
          },
        });
      });
      await consumer.disconnect();
    },
    async close() {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

async function driverFor(client: string, brokers: string[]): Promise<ClientDriver> {
  if (client === '@platformatic/kafka') return platformaticDriver(brokers);
  if (client === 'kafkajs') {
    const { Kafka, logLevel } = await import('kafkajs');
    return kafkaJsStyleDriver(
      new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING }) as unknown as KafkaJsLike,
      false,
    );
  }
  const module = await import(process.env.CKJS_MODULE ?? '@confluentinc/kafka-javascript');
  const { Kafka } = (module.default ?? module).KafkaJS;
  return kafkaJsStyleDriver(new Kafka({ kafkaJS: { clientId: 'bench', brokers, logLevel: 0 } }) as KafkaJsLike, true);
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function measure(client: string, brokers: string[]): Promise<ClientFigures> {
  const driver = await driverFor(client, brokers);
  const value = randomBytes(MESSAGE_BYTES);
  const batches = Array.from({ length: MESSAGES / PER_SEND }, (_, b) =>
    Array.from({ length: PER_SEND }, (_, i) => ({ key: Buffer.from(`k${b * PER_SEND + i}`), value })),
  );
  const topic = uniqueName('bench-clients');
  let cpu = cpuMs();
  let started = performance.now();
  await driver.produce(topic, batches);
  const produceSeconds = (performance.now() - started) / 1000;
  const produceCpu = cpuMs() - cpu;
  cpu = cpuMs();
  started = performance.now();
  await driver.consumeAll(topic, MESSAGES);
  const consumeSeconds = (performance.now() - started) / 1000;
  const consumeCpu = cpuMs() - cpu;
  await driver.close();
  return {
    produce_msgs_per_s: Math.round(MESSAGES / produceSeconds),
    produce_mib_per_s: Number(((MESSAGES * MESSAGE_BYTES) / 2 ** 20 / produceSeconds).toFixed(1)),
    produce_cpu_ms_per_1k_msgs: Number(((produceCpu / MESSAGES) * 1000).toFixed(0)),
    consume_msgs_per_s: Math.round(MESSAGES / consumeSeconds),
    consume_cpu_ms_per_1k_msgs: Number(((consumeCpu / MESSAGES) * 1000).toFixed(0)),
  };
}

const clientArg = process.argv.indexOf('--client');
if (clientArg >= 0) {
  const figures = await measure(process.argv[clientArg + 1], process.argv[clientArg + 2].split(','));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

const brokers = await startKafka();
const self = fileURLToPath(import.meta.url);
const rows = [];
for (const client of ['@platformatic/kafka', 'kafkajs', '@confluentinc/kafka-javascript']) {
  const child = spawnSync(process.execPath, [self, '--client', client, brokers], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    process.stderr.write(
      `kafka-clients: ${client} not measured: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}\n`,
    );
    rows.push({ case: `${client}`, figures: { skipped: 'not installed or failed' } });
    continue;
  }
  rows.push({ case: `${client}, 50 KB msgs, acks=all idempotent`, figures: JSON.parse(last) as ClientFigures });
}
process.stdout.write(`${JSON.stringify({ scenario: 'kafka clients', rows })}\n`);
