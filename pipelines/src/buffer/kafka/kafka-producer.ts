// The ingest side of the Kafka buffer: one idempotent producer with acks=all. An append resolves
// only once the broker acknowledged every entry; concurrent appends share sends (produce-batcher.ts). While the broker is unreachable appends are
// refused at once as `unavailable` and a probe checks every `probeIntervalMs` whether it is back.
// It speaks Kafka through the small produce-only client in wire/ (why: wire/wire-producer.ts).
import type { Logger } from 'pino';
import type { Signal } from '../../model/common.ts';
import { OtelgateError } from '../../errors/error-kinds.ts';
import { splitToFit } from '../../otlp/slice.ts';
import type { BufferEntry, BufferProducer } from '../buffer.ts';
import { clusterOptions } from './client-options.ts';
import { coalesceByPartition } from './coalesce.ts';
import type { KafkaBufferConfig } from './config.ts';
import { withDeadline } from './deadline.ts';
import { kafkaError, protocolIds } from './kafka-error.ts';
import { type Partitioner, PARTITIONERS, partitionFor } from './partitioner.ts';
import { ProduceBatcher } from './produce-batcher.ts';
import { hasEnoughInSyncReplicas, isShortOfReplicas, minInSyncReplicas } from './replica-check.ts';
import { ensureTopics, topicFor } from './topics.ts';
import { Cluster } from './wire/cluster.ts';
import { compressorFor } from './wire/compression.ts';
import type { ProduceRecord } from './wire/record-batch.ts';
import { WireProducer } from './wire/wire-producer.ts';

type Message = ProduceRecord;

/** Bytes of a record besides key and value (record batch framing), kept free under the limit. */
const RECORD_OVERHEAD = 512;

export interface KafkaProducerStats {
  /** Messages acknowledged by the broker (after splitting and merging). */
  appendedMessages: number;
  appendedBytes: number;
  /** Appends refused, by error kind (`unavailable`, `payload-too-large`, `internal`). */
  refused: Record<string, number>;
}

export class KafkaProducer implements BufferProducer {
  readonly stats: KafkaProducerStats = { appendedMessages: 0, appendedBytes: 0, refused: {} };
  readonly #config: KafkaBufferConfig;
  readonly #partitioner: Partitioner;
  readonly #logger: Logger;
  readonly #cluster: Cluster;
  #producer: WireProducer | undefined;
  #writable = false;
  #closed = false;
  #ready: Promise<void> | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  readonly #batchers = new Map<string, ProduceBatcher<Message>>();
  /** Topics whose last produce the broker refused as short of in-sync replicas. */
  readonly #shortOfReplicas = new Set<string>();

  constructor(config: KafkaBufferConfig, logger: Logger) {
    this.#config = config;
    this.#partitioner = PARTITIONERS[config.partitioner];
    this.#logger = logger.child({ component: 'kafka-producer' });
    this.#cluster = new Cluster(clusterOptions(config, 'producer'));
  }

  /** Connects (and creates the topics when configured); appends wait for this, and it is retried after a failure. */
  start(): Promise<void> {
    this.#ready ??= this.#connect().catch((error) => {
      this.#ready = undefined;
      this.#markUnavailable(error);
      throw kafkaError(error, 'connecting to Kafka', this.#config.producer.retryAfterSeconds);
    });
    return this.#ready;
  }

  async #connect(): Promise<void> {
    const config = this.#config;
    this.#producer ??= new WireProducer(this.#cluster, {
      compression: config.compression,
      compressor: await compressorFor(config.compression),
      // `buffer.kafka.partitioner` (partitioner.ts): the Collector's placement or Java's murmur2.
      // Keyless messages go round-robin.
      hash: this.#partitioner.hash,
      retries: config.retries,
      retryDelayMs: config.retryDelayMs,
      ackTimeoutMs: config.requestTimeoutMs,
    });
    if (config.autoCreateTopics.enabled) await this.#withDeadline(ensureTopics(this.#cluster, config, this.#logger));
    await this.#withDeadline(this.#cluster.refresh([config.topics.traces]));
    this.#writable = true;
  }

  /** False until connected, and while the broker is unreachable. Asking starts the connection. */
  isWritable(): boolean {
    if (!this.#ready && !this.#closed && !this.#probeTimer) this.start().catch(() => {});
    return this.#writable;
  }

  /**
   * Maps a key (for traces: the 16-byte trace id) to the partition of the signal's topic it is
   * produced to, once the topic's metadata is known.
   */
  partitionerFor(signal: Signal): ((key: Uint8Array) => number) | undefined {
    const partitions = this.#producer?.partitionCount(topicFor(this.#config, signal));
    if (!partitions) return undefined;
    const p = this.#partitioner;
    return signal === 'traces'
      ? (traceId) => p.traceHash(traceId) % partitions
      : (key) => partitionFor(p, key, partitions);
  }

  async append(signal: Signal, entries: BufferEntry[]): Promise<void> {
    await this.send(topicFor(this.#config, signal), signal, entries);
  }

  /** Produces entries to any topic (the dead-letter topic uses this). */
  async send(topic: string, signal: Signal, entries: BufferEntry[]): Promise<void> {
    try {
      await this.#send(topic, signal, entries);
    } catch (error) {
      const kind = error instanceof OtelgateError ? error.kind : 'internal';
      this.stats.refused[kind] = (this.stats.refused[kind] ?? 0) + 1;
      throw error;
    }
  }

  async #send(topic: string, signal: Signal, entries: BufferEntry[]): Promise<void> {
    if (this.#closed) throw new OtelgateError('unavailable', 'the Kafka producer is closed', { retryAfterSeconds: 1 });
    if (entries.length === 0) return;
    await this.start();
    if (!this.#writable) {
      const short = [...this.#shortOfReplicas];
      const reason =
        short.length > 0
          ? `Kafka topic ${short.join(', ')} has fewer in-sync replicas than min.insync.replicas (NOT_ENOUGH_REPLICAS)`
          : 'Kafka is unreachable';
      throw new OtelgateError('unavailable', reason, { retryAfterSeconds: this.#config.producer.retryAfterSeconds });
    }
    const messages: Message[] = [];
    let bytes = 0;
    for (const entry of entries) {
      for (const message of this.#messages(signal, entry)) {
        messages.push(message);
        bytes += message.value.length;
      }
    }
    await this.#batcherFor(topic).add(messages, bytes);
  }

  #batcherFor(topic: string): ProduceBatcher<Message> {
    let batcher = this.#batchers.get(topic);
    if (!batcher) {
      const { maxInFlightSends, maxBatchBytes } = this.#config.producer;
      batcher = new ProduceBatcher((messages) => this.#produce(topic, messages), maxInFlightSends, maxBatchBytes);
      this.#batchers.set(topic, batcher);
    }
    return batcher;
  }

  /** Produces the messages of one group of appends; resolves when the broker acknowledged all. */
  async #produce(topic: string, messages: Message[]): Promise<void> {
    let all = messages;
    const producer = this.#producer as WireProducer;
    const partitions = producer.partitionCount(topic);
    if (partitions) {
      all = coalesceByPartition(all, partitions, this.#config.maxMessageBytes - 4 * RECORD_OVERHEAD, this.#partitioner);
    }
    const sends: Promise<unknown>[] = [];
    let chunk: Message[] = [];
    let bytes = 0;
    for (const message of all) {
      // One send becomes one record batch per partition, and the broker's limit applies to a
      // whole batch: keep each send under the limit before compression.
      const size = message.value.length + (message.key?.length ?? 0) + RECORD_OVERHEAD;
      if (chunk.length > 0 && bytes + size > this.#config.maxMessageBytes) {
        sends.push(producer.send(topic, chunk));
        chunk = [];
        bytes = 0;
      }
      chunk.push(message);
      bytes += size;
    }
    sends.push(producer.send(topic, chunk));
    const results = await Promise.allSettled(sends.map((send) => this.#withDeadline(send)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      const error = kafkaError(failed.reason, `producing to ${topic}`, this.#config.producer.retryAfterSeconds);
      if (error.kind === 'unavailable') {
        if (isShortOfReplicas(protocolIds(failed.reason))) this.#shortOfReplicas.add(topic);
        this.#markUnavailable(failed.reason);
      }
      throw error;
    }
    this.stats.appendedMessages += all.length;
    for (const message of all) this.stats.appendedBytes += message.value.length;
  }

  /** The client keeps retrying while no broker answers; the deadline turns that into a refusal. */
  #withDeadline<T>(work: Promise<T>): Promise<T> {
    return withDeadline(work, this.#config.deliveryTimeoutMs, 'Kafka acknowledgement');
  }

  /** One message per entry, or several when the entry is over the message limit. */
  *#messages(signal: Signal, entry: BufferEntry): Generator<Message> {
    // Ingest keys a trace by its 16-byte id; the partitioner says how that id is written as a key.
    const raw =
      entry.key && signal === 'traces' && entry.key.length === 16 ? this.#partitioner.traceKey(entry.key) : entry.key;
    const key = raw ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
    let headerBytes = 0;
    for (const name in entry.headers) headerBytes += name.length + entry.headers[name].length + 8;
    const limit = this.#config.maxMessageBytes - RECORD_OVERHEAD - (key?.length ?? 0) - headerBytes;
    const values = entry.value.length <= limit ? [entry.value] : splitToFit(signal, entry.value, limit);
    for (const value of values) {
      yield {
        key,
        value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        headers: entry.headers,
      };
    }
  }

  #markUnavailable(error: unknown): void {
    if (this.#writable) {
      this.#logger.warn({ err: error }, 'Kafka unreachable: refusing appends until it answers');
    }
    this.#writable = false;
    this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    if (this.#probeTimer || this.#closed) return;
    this.#probeTimer = setTimeout(async () => {
      try {
        await this.#withDeadline(this.#probe());
        this.#probeTimer = undefined;
        if (!this.#writable) this.#logger.info('Kafka answers again: accepting appends');
        this.#writable = true;
      } catch {
        this.#probeTimer = undefined;
        this.#scheduleProbe();
      }
    }, this.#config.producer.probeIntervalMs);
    this.#probeTimer.unref();
  }

  /**
   * Resolves once appends may be accepted again: the broker answers metadata, and every topic it
   * refused as short of in-sync replicas has as many as it requires (a metadata answer alone
   * would make readiness flip back and forth while the ISR stays short).
   */
  async #probe(): Promise<void> {
    const short = [...this.#shortOfReplicas];
    const metadata = await this.#cluster.refresh([...new Set([this.#config.topics.traces, ...short])]);
    if (short.length === 0) return;
    const required = await minInSyncReplicas(this.#cluster, short);
    for (const topic of short) {
      if (hasEnoughInSyncReplicas(metadata.topics.get(topic), required.get(topic) ?? 1))
        this.#shortOfReplicas.delete(topic);
    }
    if (this.#shortOfReplicas.size > 0)
      throw new Error(`still short of in-sync replicas: ${[...this.#shortOfReplicas]}`);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#writable = false;
    clearTimeout(this.#probeTimer);
    this.#cluster.close();
  }
}
