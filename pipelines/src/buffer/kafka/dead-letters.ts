// Dead letters on Kafka: records that can never be delivered go to `deadLetterTopic` with the
// original key, value and headers plus headers saying why and where they came from, and
// `otelgate dlq list|replay` read them back. Listing reads the topic without a consumer group.
import { randomUUID } from 'node:crypto';
import { Consumer, type Message, stringDeserializer } from '@platformatic/kafka';
import { OtelgateError } from '../../errors/error-kinds.ts';
import { SIGNALS, type Signal } from '../../model/common.ts';
import type { BufferEntry, BufferProducer, BufferRecord, DeadLetterReason, DeadLetterSink } from '../buffer.ts';
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

const DLQ_HEADERS = new Set<string>(Object.values(KafkaDeadLetterHeader));
/** A listing gives up on partitions that deliver nothing for this long (a broker gone mid-read). */
const READ_TIMEOUT_MS = 30_000;

export interface KafkaDeadLetter {
  /** Position in the dead-letter topic. */
  partition: number;
  offset: bigint;
  deadLetteredAt: number;
  stage: string;
  reason: string;
  source: { signal: Signal; topic: string; partition: number; offset: bigint; timestamp: number };
  /** The original record as it was buffered. */
  entry: BufferEntry;
}

export interface KafkaDeadLetterQuery {
  /** Only this partition of the dead-letter topic (default: all). */
  partition?: number;
  /** First offset to look at in each partition read (default: the oldest kept). */
  fromOffset?: bigint;
  /** At most this many (default 100). */
  limit?: number;
  /** Keep only the dead letters this accepts (`otelgate dlq ... --filter`). */
  filter?: (letter: KafkaDeadLetter) => boolean;
}

export class KafkaDeadLetters implements DeadLetterSink {
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

  /** Dead letters in offset order per partition (partitions one after the other). */
  async list(query: KafkaDeadLetterQuery = {}): Promise<KafkaDeadLetter[]> {
    const limit = query.limit ?? 100;
    const topic = this.#config.deadLetterTopic;
    const consumer = new Consumer<Buffer, Buffer, string, string>({
      ...clientOptions(this.#config, 'dlq-reader'),
      // Its own group each time: it never commits, and concurrent readers must not split partitions.
      groupId: `${this.#config.consumer.groupId}-dlq-reader-${randomUUID()}`,
      deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
    });
    try {
      const [latest, earliest] = await Promise.all([
        consumer.listOffsets({ topics: [topic] }),
        consumer.listOffsets({ topics: [topic], timestamp: -2n }),
      ]);
      // Next offset to read per partition, for the partitions that hold something to read.
      const pending = new Map<number, { next: bigint; high: bigint }>();
      (latest.get(topic) ?? []).forEach((high, partition) => {
        if (query.partition !== undefined && query.partition !== partition) return;
        const low = earliest.get(topic)?.[partition] ?? 0n;
        const next = query.fromOffset !== undefined && query.fromOffset > low ? query.fromOffset : low;
        if (next < high) pending.set(partition, { next, high });
      });
      const letters: KafkaDeadLetter[] = [];
      if (pending.size === 0) return letters;
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'manual',
        offsets: [...pending].map(([partition, { next }]) => ({ topic, partition, offset: next })),
        autocommit: false,
        maxWaitTime: 500,
      });
      const timeout = setTimeout(() => void stream.close(), READ_TIMEOUT_MS);
      try {
        for await (const message of stream) {
          const position = pending.get(message.partition);
          if (!position || message.offset < position.next) continue;
          position.next = message.offset + 1n;
          const letter = this.#toLetter(message);
          if (!query.filter || query.filter(letter)) letters.push(letter);
          if (position.next >= position.high) pending.delete(message.partition);
          if (pending.size === 0 || letters.length >= limit) break;
        }
      } finally {
        clearTimeout(timeout);
        await stream.close().catch(() => {});
      }
      letters.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
      return letters.slice(0, limit);
    } finally {
      await consumer.close(true);
    }
  }

  #toLetter(message: Message<Buffer, Buffer, string, string>): KafkaDeadLetter {
    const h: Record<string, string> = {};
    const headers: Record<string, string> = {};
    for (const [name, value] of message.headers) {
      h[name] = value;
      if (!DLQ_HEADERS.has(name)) headers[name] = value;
    }
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

  /**
   * Appends the selected dead letters back to their source signals (each gets a new offset; the
   * dead letters stay until retention removes them). Returns how many were replayed.
   */
  async replay(producer: BufferProducer, query: KafkaDeadLetterQuery = {}): Promise<{ replayed: number }> {
    const letters = await this.list(query);
    for (const letter of letters) {
      if (!SIGNALS.includes(letter.source.signal)) {
        throw new OtelgateError(
          'invalid-argument',
          `dead letter ${letter.partition}/${letter.offset} names no known signal`,
        );
      }
      await producer.append(letter.source.signal, [letter.entry]);
    }
    return { replayed: letters.length };
  }
}
