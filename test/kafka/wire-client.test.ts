// The produce-only Kafka client (pipelines/src/buffer/kafka/wire/) against the real broker: what
// it writes is read back by the other client (@platformatic/kafka, through KafkaConsumer), so
// record batches, codecs and headers are checked by an independent decoder.
import net from 'node:net';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { Cluster } from '@otelgate/pipelines/buffer/kafka/wire/cluster.ts';
import { compressorFor } from '@otelgate/pipelines/buffer/kafka/wire/compression.ts';
import { Connection } from '@otelgate/pipelines/buffer/kafka/wire/connection.ts';
import { produce } from '@otelgate/pipelines/buffer/kafka/wire/produce-request.ts';
import { createTopics, describeTopicConfigs, initProducerId } from '@otelgate/pipelines/buffer/kafka/wire/protocol.ts';
import { encodeRecordBatch, stampBatch } from '@otelgate/pipelines/buffer/kafka/wire/record-batch.ts';
import { WireProducer } from '@otelgate/pipelines/buffer/kafka/wire/wire-producer.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeUntil } from './consume-until.ts';
import { sharedBrokers, uniqueName } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'silent' });
let brokers: string[];
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  brokers = await sharedBrokers();
});
afterAll(async () => {
  await Promise.allSettled(closers.map((close) => close()));
});

function cluster(): Cluster {
  const c = new Cluster({ brokers, clientId: 'wire-test', timeoutMs: 5_000 });
  closers.push(() => c.close());
  return c;
}

async function topicWith(c: Cluster, partitions: number): Promise<string> {
  const name = uniqueName('wire');
  expect(await createTopics(await c.anyConnection(), [{ name, partitions, replicationFactor: -1 }], 5_000)).toEqual([
    name,
  ]);
  await acceptingProduce(c, name);
  return name;
}

/**
 * A topic just created is in the metadata a moment before its leader takes produce requests
 * (NOT_LEADER_OR_FOLLOWER meanwhile): wait until every partition stores a warm-up record.
 */
async function acceptingProduce(c: Cluster, topic: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  const pending = new Set<number>();
  let known = false;
  while (Date.now() < deadline) {
    const partitions = (await c.refresh([topic])).topics.get(topic)?.partitions ?? [];
    if (!known && partitions.length > 0 && partitions.every((p) => p.leader >= 0)) {
      known = true;
      for (let i = 0; i < partitions.length; i++) pending.add(i);
    }
    for (const partition of [...pending]) {
      const batch = await encodeRecordBatch([{ value: Buffer.from('warm-up') }], 'none', undefined);
      stampBatch(batch);
      const conn = await c.connection(partitions[partition].leader);
      const [result] = await produce(conn, topic, [{ partition, batch }], 5_000);
      if (result.errorCode === 0) pending.delete(partition);
    }
    if (known && pending.size === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`topic ${topic} does not take produce requests`);
}

describe('produce-only Kafka client', () => {
  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`writes record batches the other client reads back intact, compression ${compression}`, async () => {
      const buffer = openKafkaBuffer(testKafkaConfig(brokers, { compression }), { logger });
      closers.push(() => buffer.close());
      const entries = Array.from({ length: 40 }, (_, i) => ({
        key: i % 5 === 0 ? undefined : Buffer.from(`key-${i}`),
        value: Buffer.from(`value ${i} `.repeat(i * 40 + 1)),
        // One tenant each: the producer merges small same-partition values with equal headers.
        headers: { 'otelgate-tenant': `tenant-${i}`, 'content-type': 'application/x-protobuf' },
      }));
      await buffer.producer.append('logs', entries);
      const { records } = await consumeUntil(buffer.consumer({ signals: ['logs'] }), (all) => all.length >= 40);
      const seen = records.map((r) => ({
        key: r.key && Buffer.from(r.key).toString(),
        value: Buffer.from(r.value).toString(),
        tenant: r.headers['otelgate-tenant'],
      }));
      const wanted = entries.map((e) => ({
        key: e.key?.toString(),
        value: e.value.toString(),
        tenant: e.headers['otelgate-tenant'],
      }));
      const order = (a: { value: string }, b: { value: string }) => (a.value < b.value ? -1 : 1);
      expect(seen.map((s) => ({ ...s, key: s.key ?? undefined })).sort(order)).toEqual(wanted.sort(order));
    });
  }

  it('reads leaders per partition and names an unknown topic', async () => {
    const c = cluster();
    const topic = await topicWith(c, 4);
    const metadata = await c.refresh([topic, uniqueName('absent')]);
    const partitions = metadata.topics.get(topic)?.partitions ?? [];
    expect(partitions).toHaveLength(4);
    for (const p of partitions) expect(metadata.brokers.has(p.leader)).toBe(true);
    const producer = new WireProducer(c, {
      compression: 'none',
      compressor: undefined,
      hash: () => 0,
      retries: 0,
      retryDelayMs: 10,
      ackTimeoutMs: 5_000,
    });
    const error = await producer.send(uniqueName('absent'), [{ value: Buffer.from('x') }]).catch((e: unknown) => e);
    expect((error as { apiId?: string }).apiId).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('stores a batch resent with the same producer id and sequence once (idempotence)', async () => {
    const c = cluster();
    const topic = await topicWith(c, 1);
    await c.refresh([topic]);
    const conn = await c.connection(c.metadata.topics.get(topic)?.partitions[0].leader as number);
    const id = await initProducerId(conn);
    const batch = await encodeRecordBatch([{ value: Buffer.from('once') }], 'none', undefined);
    stampBatch(batch, { producerId: id.producerId, epoch: id.epoch, baseSequence: 0 });
    const first = await produce(conn, topic, [{ partition: 0, batch }], 5_000);
    const again = await produce(conn, topic, [{ partition: 0, batch }], 5_000);
    expect(first[0].errorCode).toBe(0);
    expect([0, 46]).toContain(again[0].errorCode);
    // The broker answers a duplicate with the offset it stored the first copy at.
    if (again[0].errorCode === 0) expect(again[0].baseOffset).toBe(first[0].baseOffset);
    // The next sequence is accepted; one that skips ahead is refused as out of order.
    const next = await encodeRecordBatch([{ value: Buffer.from('next') }], 'none', undefined);
    stampBatch(next, { producerId: id.producerId, epoch: id.epoch, baseSequence: 1 });
    expect((await produce(conn, topic, [{ partition: 0, batch: next }], 5_000))[0].errorCode).toBe(0);
    const gap = await encodeRecordBatch([{ value: Buffer.from('gap') }], 'none', undefined);
    stampBatch(gap, { producerId: id.producerId, epoch: id.epoch, baseSequence: 7 });
    expect((await produce(conn, topic, [{ partition: 0, batch: gap }], 5_000))[0].errorCode).toBe(45);
    const described = await describeTopicConfigs(conn, [topic], ['min.insync.replicas']);
    expect(described.get(topic)?.get('min.insync.replicas')).toMatch(/^\d+$/);
  });

  it('pipelines many sends on one connection, keeping their order within a partition', async () => {
    const c = cluster();
    const buffer = openKafkaBuffer(testKafkaConfig(brokers, { compression: 'none' }), { logger });
    closers.push(() => buffer.close());
    await buffer.producer.start();
    const producer = new WireProducer(c, {
      compression: 'none',
      compressor: await compressorFor('none'),
      hash: () => 0,
      retries: 0,
      retryDelayMs: 10,
      ackTimeoutMs: 5_000,
    });
    const topic = buffer.config.topics.logs;
    await acceptingProduce(c, topic);
    const headers = { 'content-type': 'application/x-protobuf' };
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        producer.send(topic, [{ key: Buffer.from('same'), value: Buffer.from(String(i)), headers }]),
      ),
    );
    const { records } = await consumeUntil(buffer.consumer({ signals: ['logs'] }), (all) => all.length >= 203);
    const values = records.map((r) => Buffer.from(r.value).toString()).filter((v) => v !== 'warm-up');
    expect(values.map(Number)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('reconnects after its connection is closed under it', async () => {
    const c = cluster();
    const topic = await topicWith(c, 1);
    const producer = new WireProducer(c, {
      compression: 'none',
      compressor: undefined,
      hash: () => 0,
      retries: 1,
      retryDelayMs: 10,
      ackTimeoutMs: 5_000,
    });
    await producer.send(topic, [{ value: Buffer.from('before') }]);
    const leader = c.metadata.topics.get(topic)?.partitions[0].leader as number;
    (await c.connection(leader)).close();
    await producer.send(topic, [{ value: Buffer.from('after') }]);
    expect((await c.connection(leader)).closed).toBe(false);
  });

  it('fails a request the broker does not answer within the timeout, and the connection with it', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => silent.close());
    const port = (silent.address() as net.AddressInfo).port;
    const conn = await Connection.open({ host: '127.0.0.1', port, clientId: 'wire-test', timeoutMs: 300 });
    const started = Date.now();
    const error = await conn
      .request(18, 3, true, (w) => w.compactString('x').compactString('1').tags())
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(conn.closed).toBe(true);
  });
});
