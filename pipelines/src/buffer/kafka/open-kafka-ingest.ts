// The ingest role's share of the Kafka buffer: the producer (its own small client, wire/) and the
// dead letters, without the client the consumers use (@platformatic/kafka, ~44 MiB of RSS once
// imported). Reading dead letters needs that client, so dead-letters.ts is imported on first use
// (admin `/dlq`, `otelgate dlq`): an ingest process nobody asks for dead letters never loads it.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BufferRecord, DeadLetterReason, DeadLetterSink } from '../buffer.ts';
import type { DeadLetter, DeadLetterStore, StoredDeadLetter } from '../dead-letters/dead-letter-store.ts';
import { type KafkaBufferConfig, kafkaBufferConfigSchema } from './config.ts';
import type { KafkaDeadLetters } from './dead-letters.ts';
import { KafkaProducer } from './kafka-producer.ts';

const NONE_WRITTEN: ReadonlyMap<string, number> = new Map();

export class LazyKafkaDeadLetters implements DeadLetterSink, DeadLetterStore {
  readonly #config: KafkaBufferConfig;
  readonly #producer: KafkaProducer;
  #loaded: Promise<KafkaDeadLetters> | undefined;
  #instance: KafkaDeadLetters | undefined;

  constructor(config: KafkaBufferConfig, producer: KafkaProducer) {
    this.#config = config;
    this.#producer = producer;
  }

  /** Records dead-lettered by this process, by stage. */
  get written(): ReadonlyMap<string, number> {
    return this.#instance?.written ?? NONE_WRITTEN;
  }

  #load(): Promise<KafkaDeadLetters> {
    this.#loaded ??= import('./dead-letters.ts').then(({ KafkaDeadLetters }) => {
      this.#instance = new KafkaDeadLetters(this.#config, this.#producer);
      return this.#instance;
    });
    return this.#loaded;
  }

  async write(record: BufferRecord, reason: DeadLetterReason): Promise<void> {
    await (await this.#load()).write(record, reason);
  }

  async markReplayed(letters: readonly DeadLetter[]): Promise<void> {
    await (await this.#load()).markReplayed(letters);
  }

  async *scan(): AsyncGenerator<StoredDeadLetter> {
    yield* (await this.#load()).scan();
  }
}

export interface KafkaIngestBuffer {
  readonly config: KafkaBufferConfig;
  producer: KafkaProducer;
  deadLetters: LazyKafkaDeadLetters;
  /** Ingest runs no consumers. */
  consumers(): [];
  consumer(): never;
  close(): Promise<void>;
}

export function openKafkaIngest(
  input: z.input<typeof kafkaBufferConfigSchema> | KafkaBufferConfig,
  options: { logger: Logger },
): KafkaIngestBuffer {
  const config = kafkaBufferConfigSchema.parse(input);
  const producer = new KafkaProducer(config, options.logger);
  return {
    config,
    producer,
    deadLetters: new LazyKafkaDeadLetters(config, producer),
    consumers: () => [],
    consumer() {
      throw new Error('the ingest role runs no Kafka consumer');
    },
    close: () => producer.close(),
  };
}
