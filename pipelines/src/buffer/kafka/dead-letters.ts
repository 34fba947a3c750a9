// Dead letters on Kafka: records that can never be delivered go to `deadLetterTopic` with the
// original key, value and headers plus headers saying why and where they came from. For
// `otelgate dlq list|replay` it supplies the storage primitives (scan, replay marks);
// dead-letters/dead-letter-replay.ts does the rest.
import { randomUUID } from 'node:crypto';
import { Consumer, type Message, stringDeserializer } from '@platformatic/kafka';
import { OtelgateError } from '../../errors/error-kinds.ts';
import { SIGNALS, type Signal } from '../../model/common.ts';
import type { BufferRecord, DeadLetterReason, DeadLetterSink } from '../buffer.ts';
import { type DeadLetterFilter, listDeadLetters } from '../dead-letters/dead-letter-replay.ts';
import {
  type DeadLetter,
  type DeadLetterStore,
  markedPositions,
  REPLAYED_HEADER,
  replayMark,
  type StoredDeadLetter,
} from '../dead-letters/dead-letter-store.ts';
import { clientOptions } from './client-options.ts';
import type { KafkaBufferConfig } from './config.ts';
import type { KafkaProducer } from './kafka-producer.ts';

export const KafkaDeadLetterHeader = {
  reason: 'otelgate-dlq-reason',
  stage: 'otelgate-dlq-stage',
  sourceTopic: 'otelgate-dlq-source-topic',
  sourcePartition: 'otelgate-dlq-source-partition',
  sourceOffset: 'otelgate-dlq-source-offset',
  signal: 'otelgate-dlq-signal',
  /** When the original record was appended (ms since the epoch). */
  timestamp: 'otelgate-dlq-timestamp',
} as const;

const DLQ_HEADERS = new Set<string>([...Object.values(KafkaDeadLetterHeader), REPLAYED_HEADER]);
/** A scan gives up (and throws) when a partition delivers nothing for this long (a broker gone mid-read). */
const READ_TIMEOUT_MS = 30_000;

export class KafkaDeadLetters implements DeadLetterSink, DeadLetterStore {
  /** Records dead-lettered by this process, by stage (decode, a processor or exporter name). */
  readonly written = new Map<string, number>();
  readonly #config: KafkaBufferConfig;
  readonly #producer: KafkaProducer;
  readonly #signalOf: Map<string, Signal>;

  constructor(config: KafkaBufferConfig, producer: KafkaProducer) {
    this.#config = config;
    this.#producer = producer;
    this.#signalOf = new Map(SIGNALS.map((signal) => [config.topics[signal], signal]));
  }

  async write(record: BufferRecord, reason: DeadLetterReason): Promise<void> {
    const headers: Record<string, string> = { ...record.headers };
    headers[KafkaDeadLetterHeader.reason] = reason.reason;
    headers[KafkaDeadLetterHeader.stage] = reason.stage;
    headers[KafkaDeadLetterHeader.sourceTopic] = this.#config.topics[record.signal];
    headers[KafkaDeadLetterHeader.sourcePartition] = String(record.partition);
    headers[KafkaDeadLetterHeader.sourceOffset] = record.offset.toString();
    headers[KafkaDeadLetterHeader.signal] = record.signal;
    headers[KafkaDeadLetterHeader.timestamp] = String(record.timestamp);
    await this.#producer.send(this.#config.deadLetterTopic, record.signal, [
      { key: record.key, value: record.value, headers },
    ]);
    this.written.set(reason.stage, (this.written.get(reason.stage) ?? 0) + 1);
  }

  /** Dead letters not yet replayed (`listDeadLetters` on this topic). */
  list(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    return listDeadLetters(this, filter);
  }

  async markReplayed(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.#producer.send(this.#config.deadLetterTopic, 'logs', [replayMark(letters)]);
  }

  /**
   * Every kept record of the topic up to the high watermarks seen when called (in offset order
   * per partition), read with a throw-away group that never commits.
   */
  async *scan(): AsyncGenerator<StoredDeadLetter> {
    const topic = this.#config.deadLetterTopic;
    const consumer = new Consumer<Buffer, Buffer, string, string>({
      ...clientOptions(this.#config, 'dlq-reader'),
      // Its own group each time: it never commits, and concurrent readers must not split partitions.
      groupId: `${this.#config.consumer.groupId}-dlq-reader-${randomUUID()}`,
      deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
    });
    try {
      const pending = await this.#unread(consumer);
      if (pending.size === 0) return;
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'manual',
        offsets: [...pending].map(([partition, { next }]) => ({ topic, partition, offset: next })),
        autocommit: false,
        maxWaitTime: 500,
      });
      const idle = setTimeout(() => void stream.close(), READ_TIMEOUT_MS);
      try {
        for await (const message of stream) {
          const position = pending.get(message.partition);
          if (!position || message.offset < position.next) continue;
          idle.refresh();
          position.next = message.offset + 1n;
          if (position.next >= position.high) pending.delete(message.partition);
          yield this.#toStored(message);
          if (pending.size === 0) return;
        }
      } finally {
        clearTimeout(idle);
        await stream.close().catch(() => {});
      }
      const [partition, { next, high }] = [...pending][0];
      throw new OtelgateError(
        'unavailable',
        `reading ${topic}[${partition}] stopped at offset ${next} before ${high}: nothing arrived for ${READ_TIMEOUT_MS / 1000} s`,
        { retryAfterSeconds: 5 },
      );
    } finally {
      await consumer.close(true);
    }
  }

  /** Per partition holding records: the next offset to read and the high watermark. */
  async #unread(
    consumer: Consumer<Buffer, Buffer, string, string>,
  ): Promise<Map<number, { next: bigint; high: bigint }>> {
    const topic = this.#config.deadLetterTopic;
    const [latest, earliest] = await Promise.all([
      consumer.listOffsets({ topics: [topic] }),
      consumer.listOffsets({ topics: [topic], timestamp: -2n }),
    ]);
    const pending = new Map<number, { next: bigint; high: bigint }>();
    (latest.get(topic) ?? []).forEach((high, partition) => {
      const next = earliest.get(topic)?.[partition] ?? 0n;
      if (next < high) pending.set(partition, { next, high });
    });
    return pending;
  }

  #toStored(message: Message<Buffer, Buffer, string, string>): StoredDeadLetter {
    const h: Record<string, string> = {};
    for (const [name, value] of message.headers) h[name] = value;
    const replayed = markedPositions(h);
    return replayed ? { replayed } : { letter: this.#toLetter(message, h) };
  }

  #toLetter(message: Message<Buffer, Buffer, string, string>, h: Record<string, string>): DeadLetter {
    const headers: Record<string, string> = {};
    for (const name in h) if (!DLQ_HEADERS.has(name)) headers[name] = h[name];
    const sourceTopic = h[KafkaDeadLetterHeader.sourceTopic] ?? '';
    return {
      partition: message.partition,
      offset: message.offset,
      deadLetteredAt: Number(message.timestamp),
      stage: h[KafkaDeadLetterHeader.stage] ?? '',
      reason: h[KafkaDeadLetterHeader.reason] ?? '',
      source: {
        signal: (h[KafkaDeadLetterHeader.signal] as Signal) ?? this.#signalOf.get(sourceTopic),
        topic: sourceTopic,
        partition: Number(h[KafkaDeadLetterHeader.sourcePartition] ?? -1),
        offset: BigInt(h[KafkaDeadLetterHeader.sourceOffset] ?? -1),
        timestamp: Number(h[KafkaDeadLetterHeader.timestamp] ?? 0),
      },
      entry: {
        key: message.key && message.key.length > 0 ? message.key : undefined,
        value: message.value ?? Buffer.alloc(0),
        headers,
      },
    };
  }
}
