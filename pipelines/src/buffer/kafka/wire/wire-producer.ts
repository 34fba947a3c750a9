// A produce-only Kafka client for the ingest hot path: acks=all, idempotent (a producer id and a
// sequence number per partition, so a batch the client resends is stored once), record batches
// encoded straight from the appended buffers.
//
// Why not the library the workers use (@platformatic/kafka): importing it costs ~44 MiB of RSS
// (its entry point loads ~500 modules: admin, consumer, schema registry with ajv and avsc), about
// the OpenTelemetry Collector's whole RSS in the same role; ingest needs Produce and a few
// metadata and admin requests only. BENCHMARKS.md "Ingest memory (issue 14)".
//
// Retries: a partition whose batch failed with an error a retry can cure (leader moved, broker
// gone, too few in-sync replicas, timeout) is resent after a metadata refresh and a backoff, up to
// `retries` times. Any failure also retires the producer id: the next batches start from sequence
// 0 under a new one, so a batch lost in between can never leave later ones refused as out of order.
//
// Batch buffers come from a small pool (batch-pool.ts) and go back once the broker answered the
// request carrying them, or once the send gave up on them: a batch awaiting its retry keeps its
// buffer, and its bytes, until it is resent.
import { backoffDelay, sleep } from '../../../delivery/backoff.ts';
import { BatchPool } from './batch-pool.ts';
import type { Cluster } from './cluster.ts';
import type { Compression, Compressor } from './compression.ts';
import { KafkaConnectionError, KafkaProtocolError } from './error-codes.ts';
import { produce } from './produce-request.ts';
import { initProducerId } from './protocol.ts';
import { batchRecordCount, encodeRecordBatch, type ProduceRecord, stampBatch } from './record-batch.ts';

export interface WireProducerOptions {
  compression: Compression;
  /** Loaded by the caller (compressorFor), undefined for `none`. */
  compressor: Compressor | undefined;
  /** A non-negative number whose remainder by the partition count is a key's partition. */
  hash: (key: Uint8Array) => number;
  retries: number;
  retryDelayMs: number;
  /** How long the broker may wait for the in-sync replicas. */
  ackTimeoutMs: number;
}

/** Errors the producer id does not survive: a new one is taken and the batch resent. */
const PRODUCER_STATE = new Set([45, 47, 59]);
const DUPLICATE_SEQUENCE = 46;

interface ProducerId {
  producerId: bigint;
  epoch: number;
  /** Next sequence by `topic\0partition`. */
  sequences: Map<string, number>;
}

export class WireProducer {
  readonly #cluster: Cluster;
  readonly #options: WireProducerOptions;
  #id: Promise<ProducerId> | undefined;
  #current: ProducerId | undefined;
  #roundRobin = 0;
  readonly #pool = new BatchPool();

  constructor(cluster: Cluster, options: WireProducerOptions) {
    this.#cluster = cluster;
    this.#options = options;
  }

  /** Partitions of `topic` in the last metadata, undefined when unknown. */
  partitionCount(topic: string): number | undefined {
    const t = this.#cluster.metadata.topics.get(topic);
    return t && t.errorCode === 0 && t.partitions.length > 0 ? t.partitions.length : undefined;
  }

  /** Produces `records` to `topic`; resolves once the broker acknowledged every one (acks=all). */
  async send(topic: string, records: readonly ProduceRecord[]): Promise<void> {
    if (records.length === 0) return;
    const partitions = this.partitionCount(topic) ?? (await this.#partitionsOf(topic));
    let pending: Map<number, ProduceRecord[] | Buffer> = this.#byPartition(records, partitions);
    // Every attempt's errors go into the refusal: the first says why (NOT_ENOUGH_REPLICAS), a later
    // one may only say what the retry met (a new producer id not yet available).
    const history: Error[] = [];
    for (let attempt = 0; ; attempt++) {
      const failed = await this.#attempt(topic, pending);
      if (failed.size === 0) return;
      const errors = [...failed.values()].map((f) => f.error);
      history.push(...new Set(errors));
      const fatal = errors.find((e) => !(e as { canRetry?: boolean }).canRetry);
      if (fatal || attempt >= this.#options.retries) {
        // Every request of the attempt is settled: answered, or its connection destroyed.
        for (const f of failed.values()) this.#pool.release(f.batch);
        throw Object.assign(new Error(`producing to ${topic} failed: ${(fatal ?? history[0]).message}`), {
          errors: history,
        });
      }
      pending = new Map([...failed].map(([partition, f]) => [partition, f.batch]));
      await sleep(
        backoffDelay(attempt, { initialMs: this.#options.retryDelayMs, maxMs: 4 * this.#options.retryDelayMs }),
      );
      await this.#cluster.refresh([topic]).catch(() => {});
    }
  }

  /** Asks for the topic's metadata until it has partitions (a topic just created), `retries` times. */
  async #partitionsOf(topic: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      await this.#cluster.refresh([topic]);
      const partitions = this.partitionCount(topic);
      if (partitions) return partitions;
      if (attempt >= this.#options.retries) {
        const code = this.#cluster.metadata.topics.get(topic)?.errorCode || 3;
        throw new KafkaProtocolError(code, `metadata of topic ${topic}`);
      }
      await sleep(
        backoffDelay(attempt, { initialMs: this.#options.retryDelayMs, maxMs: 4 * this.#options.retryDelayMs }),
      );
    }
  }

  #byPartition(records: readonly ProduceRecord[], partitions: number): Map<number, ProduceRecord[]> {
    const groups = new Map<number, ProduceRecord[]>();
    for (const record of records) {
      let partition: number;
      if (record.key) partition = this.#options.hash(record.key) % partitions;
      else {
        this.#roundRobin = (this.#roundRobin + 1) & 0x7fffffff;
        partition = this.#roundRobin % partitions;
      }
      const group = groups.get(partition);
      if (group) group.push(record);
      else groups.set(partition, [record]);
    }
    return groups;
  }

  /** One round: a request per leader. Returns the partitions that failed, with their encoded batch. */
  async #attempt(
    topic: string,
    pending: Map<number, ProduceRecord[] | Buffer>,
  ): Promise<Map<number, { error: Error; batch: Buffer }>> {
    const failed = new Map<number, { error: Error; batch: Buffer }>();
    const byLeader = new Map<number, { partition: number; batch: Buffer }[]>();
    const encoded = await Promise.all(
      [...pending].map(async ([partition, records]) => ({
        partition,
        batch: Buffer.isBuffer(records)
          ? records
          : await encodeRecordBatch(
              records,
              this.#options.compression,
              this.#options.compressor,
              undefined,
              this.#pool,
            ),
      })),
    );
    const meta = this.#cluster.metadata.topics.get(topic);
    for (const item of encoded) {
      const leader = meta?.partitions[item.partition]?.leader ?? -1;
      if (leader < 0) {
        failed.set(item.partition, {
          error: new KafkaProtocolError(5, `partition ${topic}/${item.partition}`),
          batch: item.batch,
        });
        continue;
      }
      const list = byLeader.get(leader);
      if (list) list.push(item);
      else byLeader.set(leader, [item]);
    }
    let id: ProducerId;
    try {
      id = await this.#producerId();
    } catch (error) {
      for (const item of encoded) failed.set(item.partition, { error: error as Error, batch: item.batch });
      return failed;
    }
    await Promise.all(
      [...byLeader].map(async ([leader, items]) => {
        try {
          const conn = await this.#cluster.connection(leader);
          // Stamped right before the write: sequences follow the order batches reach the broker.
          for (const item of items) {
            const key = `${topic}\u0000${item.partition}`;
            const sequence = id.sequences.get(key) ?? 0;
            stampBatch(item.batch, { producerId: id.producerId, epoch: id.epoch, baseSequence: sequence });
            id.sequences.set(key, (sequence + batchRecordCount(item.batch)) & 0x7fffffff);
          }
          const results = await produce(conn, topic, items, this.#options.ackTimeoutMs);
          const batches = new Map(items.map((item) => [item.partition, item.batch]));
          for (const result of results) {
            if (result.errorCode === 0 || result.errorCode === DUPLICATE_SEQUENCE) continue;
            const error = new KafkaProtocolError(
              result.errorCode,
              `producing to ${topic}/${result.partition}`,
              result.message,
            );
            if (PRODUCER_STATE.has(result.errorCode)) Object.assign(error, { canRetry: true });
            failed.set(result.partition, { error, batch: batches.get(result.partition) as Buffer });
          }
          // Answered: the broker has read every byte of these batches.
          for (const item of items) if (!failed.has(item.partition)) this.#pool.release(item.batch);
        } catch (error) {
          const e = error instanceof Error ? error : new KafkaConnectionError(String(error));
          for (const item of items) failed.set(item.partition, { error: e, batch: item.batch });
        }
      }),
    );
    if (failed.size > 0) this.#retireProducerId(id);
    return failed;
  }

  #producerId(): Promise<ProducerId> {
    if (!this.#id) {
      const id = this.#cluster.anyConnection().then(async (conn) => {
        const fresh: ProducerId = { ...(await initProducerId(conn)), sequences: new Map() };
        if (this.#id === id) this.#current = fresh;
        return fresh;
      });
      this.#id = id;
      id.catch(() => {
        if (this.#id === id) this.#id = undefined;
      });
    }
    return this.#id;
  }

  #retireProducerId(id: ProducerId): void {
    if (this.#current !== id) return;
    this.#current = undefined;
    this.#id = undefined;
  }
}
