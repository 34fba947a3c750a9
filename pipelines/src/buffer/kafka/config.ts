import { z } from 'zod';

const MiB = 1024 * 1024;

/** `buffer.kafka`: Kafka as the buffer between ingest and process (issue 3). */
export const kafkaBufferConfigSchema = z
  .object({
    /** Bootstrap brokers, `host:port`. */
    brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9092']),
    clientId: z.string().min(1).default('otelgate'),
    /** One topic per signal; the defaults are the OpenTelemetry Collector's. */
    topics: z
      .object({
        traces: z.string().min(1).default('otlp_spans'),
        metrics: z.string().min(1).default('otlp_metrics'),
        logs: z.string().min(1).default('otlp_logs'),
      })
      .prefault({}),
    /** Records that can never be delivered, with headers saying why and where they came from. */
    deadLetterTopic: z.string().min(1).default('otlp_deadletter'),
    compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('lz4'),
    /**
     * How keyed messages are placed, and how a trace is keyed. `collector`: the trace id as 32
     * lowercase hex characters, placed by Sarama's FNV-1a hash partitioner, as the Collector's
     * kafka exporter with `partition_traces_by_id` does, so a mixed fleet keeps each trace on one
     * partition. `murmur2`: the 16 raw id bytes, placed as the Java client does.
     */
    partitioner: z.enum(['collector', 'murmur2']).default('collector'),
    /**
     * Largest message the producer sends (the broker's `message.max.bytes` must be at least this).
     * Larger requests are split at resource, scope and item boundaries; one item that alone does not
     * fit is refused with `payload-too-large`.
     */
    maxMessageBytes: z
      .number()
      .int()
      .min(16 * 1024)
      .default(MiB),
    /** How long one request to a broker may take. */
    requestTimeoutMs: z.number().int().min(100).default(5_000),
    /**
     * Longest an append waits for the broker's acknowledgement, retries included; past it the
     * append is refused as `unavailable` (the client retries; if the broker did store it after
     * all, the retry is a duplicate, never a loss).
     */
    deliveryTimeoutMs: z.number().int().min(100).default(10_000),
    /** Retries of a failed request inside the client before an append is refused as `unavailable`. */
    retries: z.number().int().min(0).default(2),
    /** Pause between those retries. */
    retryDelayMs: z.number().int().min(0).default(250),
    tls: z
      .object({
        enabled: z.boolean().default(false),
        /** PEM files; unset means the system's CAs and no client certificate. */
        caFile: z.string().optional(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
        /** Name to verify the broker's certificate against (default: the broker's host). */
        serverName: z.string().optional(),
        /** Never turn off outside development. */
        rejectUnauthorized: z.boolean().default(true),
      })
      .prefault({}),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: z.string(),
      })
      .optional(),
    /** Create the four topics at startup when missing (development; production creates them by hand). */
    autoCreateTopics: z
      .object({
        enabled: z.boolean().default(true),
        partitions: z.number().int().min(1).default(6),
        /** -1: the broker's `default.replication.factor`. */
        replicationFactor: z.number().int().min(-1).default(-1),
      })
      .prefault({}),
    producer: z
      .object({
        /** While the broker is unreachable, how often the producer checks whether it is back. */
        probeIntervalMs: z.number().int().min(50).default(1_000),
        /** `Retry-After` given to clients while the broker is unreachable. */
        retryAfterSeconds: z.number().int().min(1).default(5),
        /**
         * Sends per topic under way at once; appends arriving meanwhile wait and go out together
         * in the next send (group commit: fewer, larger produce requests under load).
         */
        maxInFlightSends: z.number().int().min(1).max(32).default(3),
        /** Most bytes of appends grouped into one send (it is split into requests under `maxMessageBytes`). */
        maxBatchBytes: z
          .number()
          .int()
          .min(16 * 1024)
          .default(8 * MiB),
      })
      .prefault({}),
    consumer: z
      .object({
        groupId: z.string().min(1).default('otelgate'),
        /**
         * Static membership (`group.instance.id`): a worker restarted with the same id takes its
         * partitions back at once instead of waiting for its old session to expire. Unique per worker.
         */
        instanceId: z.string().min(1).optional(),
        /** Where a group with no committed offset starts. */
        startFrom: z.enum(['earliest', 'latest']).default('earliest'),
        /** A worker that sends no heartbeat for this long is dropped from the group. */
        sessionTimeoutMs: z.number().int().min(1_000).default(30_000),
        heartbeatIntervalMs: z.number().int().min(100).default(3_000),
        rebalanceTimeoutMs: z.number().int().min(1_000).default(60_000),
        /** What one batch holds at most (at least one record is always handed over). */
        maxBatchRecords: z.number().int().min(1).default(256),
        maxBatchBytes: z
          .number()
          .int()
          .min(1)
          .default(4 * MiB),
        /**
         * Fetched records held in memory (all partitions); past this, fetching pauses. A worker
         * works on at most process.maxBytesInFlight (8 MiB) at once, and the client keeps fetching
         * into its own stream buffer past this, so 8 MiB keeps it fed; more only holds memory while
         * a slow exporter works (docs/BENCHMARKS.md, worker drain).
         */
        maxBufferedBytes: z
          .number()
          .int()
          .min(MiB)
          .default(8 * MiB),
        /** Backoff after a handler rejects: starts here, doubles per failure, capped at `retryMaxMs`. */
        retryInitialMs: z.number().int().min(1).default(100),
        retryMaxMs: z.number().int().min(1).default(30_000),
        /**
         * How often the watchdog checks for progress. A worker that neither consumed nor committed
         * anything for a whole interval while records wait in its partitions gets a new Kafka client.
         */
        watchdogIntervalMs: z.number().int().min(100).default(30_000),
      })
      .prefault({}),
  })
  .strict();

export type KafkaBufferConfig = z.infer<typeof kafkaBufferConfigSchema>;
