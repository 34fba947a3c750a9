// The producer's pooled batch buffers (pipelines/src/buffer/kafka/wire/batch-pool.ts) against the
// real broker: a batch whose request was cut off keeps its buffer and is resent with the same
// records while later sends reuse the other pooled buffers, and everything is read back intact.
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { Cluster } from '@otelgate/pipelines/buffer/kafka/wire/cluster.ts';
import { Connection } from '@otelgate/pipelines/buffer/kafka/wire/connection.ts';
import { API } from '@otelgate/pipelines/buffer/kafka/wire/protocol.ts';
import type { Writer } from '@otelgate/pipelines/buffer/kafka/wire/writer.ts';
import { WireProducer } from '@otelgate/pipelines/buffer/kafka/wire/wire-producer.ts';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { consumeUntil } from './consume-until.ts';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: 'silent' });
const closers: (() => unknown)[] = [];
const request = Connection.prototype.request;
afterAll(async () => {
  Connection.prototype.request = request;
  await Promise.allSettled(closers.map((close) => close()));
});

interface Sent {
  /** A copy of the batch as it went to the socket. */
  bytes: Buffer;
  /** The memory it was written from. */
  store: ArrayBufferLike;
  dropped: boolean;
}

/** The records part of a batch: producer id, epoch, sequence and CRC (restamped on a retry) zeroed. */
function records(batch: Buffer): Buffer {
  const copy = Buffer.from(batch);
  copy.fill(0, 17, 21);
  copy.fill(0, 43, 57);
  return copy;
}

describe('pooled record-batch buffers', () => {
  it('resends a cut-off batch from its own buffer, unchanged, while other sends reuse buffers', async () => {
    const brokers = await sharedBrokers();
    const buffer = openKafkaBuffer(testKafkaConfig(brokers, { compression: 'none' }), { logger });
    closers.push(() => buffer.close());
    await buffer.producer.start();
    const topic = buffer.config.topics.logs;
    const cluster = new Cluster({ brokers, clientId: 'wire-reuse-test', timeoutMs: 10_000 });
    closers.push(() => cluster.close());
    const options = { compression: 'none' as const, compressor: undefined, hash: () => 0, ackTimeoutMs: 5_000 };
    // Every partition's leader takes produce requests before the fault is injected.
    await new WireProducer(cluster, { ...options, retries: 20, retryDelayMs: 100 }).send(
      topic,
      Array.from({ length: 6 }, () => ({ value: Buffer.from('warm-up') })),
    );

    const sent: Sent[] = [];
    let cutOff = 1;
    // The fault: the connection closes right after the first produce request was written, before
    // its answer (the broker may or may not have stored it), as when a broker drops the client.
    Connection.prototype.request = function (this: Connection, apiKey, version, flexible, body, size) {
      if (apiKey !== API.produce.key) return request.call(this, apiKey, version, flexible, body, size);
      let batch: Buffer | undefined;
      const capture = (w: Writer) => {
        body(w);
        // One partition per send: the request's own bytes, the attached batch, the trailing tags.
        batch = w.chunks()[1];
      };
      const answered = request.call(this, apiKey, version, flexible, capture, size);
      const dropped = cutOff-- > 0;
      const b = batch as Buffer;
      sent.push({ bytes: Buffer.from(b), store: b.buffer, dropped });
      if (dropped) this.close();
      return answered;
    };

    const producer = new WireProducer(cluster, { ...options, retries: 2, retryDelayMs: 2_000 });
    const value = (tag: string) => Buffer.from(`${tag} `.repeat(30_000));
    const first = producer.send(topic, [{ value: value('first') }]);
    while (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // During the first batch's retry backoff.
    const others = ['second', 'third', 'fourth', 'fifth'];
    for (const tag of others) await producer.send(topic, [{ value: value(tag) }]);
    await first;
    Connection.prototype.request = request;

    expect(sent.map((s) => s.dropped)).toEqual([true, false, false, false, false, false]);
    const [cut, ...later] = sent;
    const retry = later[later.length - 1];
    // Resent from the same buffer with the same records; only the producer fields and CRC moved.
    expect(retry.store).toBe(cut.store);
    expect(records(retry.bytes).equals(records(cut.bytes))).toBe(true);
    expect(retry.bytes.subarray(0, 61).equals(cut.bytes.subarray(0, 61))).toBe(false);
    // The sends in between never wrote into the held buffer, and reused one among themselves.
    const between = later.slice(0, -1);
    for (const s of between) expect(s.store).not.toBe(cut.store);
    expect(new Set(between.map((s) => s.store)).size).toBe(1);

    const wanted = ['first', ...others].map((tag) => value(tag).toString());
    const { records: read } = await consumeUntil(buffer.consumer({ signals: ['logs'] }), (all) =>
      wanted.every((w) => all.some((r) => Buffer.from(r.value).toString() === w)),
    );
    const values = read.map((r) => Buffer.from(r.value).toString()).filter((v) => v !== 'warm-up');
    // The cut-off request may have been stored too (at least once): each value is there intact.
    expect(new Set(values)).toEqual(new Set(wanted));
  }, 60_000);
});
