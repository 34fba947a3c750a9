import { z } from 'zod';

const MiB = 1024 * 1024;

/** `buffer.embedded`: the on-disk log that is the default buffer. */
export const embeddedLogConfigSchema = z
  .object({
    /** Root directory: one folder per signal, `deadletter/`, `consumer-offsets/`. */
    dir: z.string().min(1).default('./data'),
    /** A segment file is rolled once it holds this many bytes (checked between group commits). */
    segmentBytes: z
      .number()
      .int()
      .min(4096)
      .default(64 * MiB),
    /**
     * Hard cap on the log's size on disk (all signals). An append that would pass it first deletes
     * segments every consumer group has committed; if it still does not fit, it is refused with
     * `resource-exhausted` (backpressure). Acknowledged, unconsumed data is never dropped.
     */
    maxBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(1024 * MiB),
    /** Largest single record (key + headers + value); larger entries are refused with `payload-too-large`. */
    maxRecordBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * MiB),
    /**
     * `always`: every append is acknowledged only after the fdatasync that covers it; concurrent
     * appends share one write and one fdatasync (group commit). `never`: acknowledge after the
     * write reaches the page cache (a crash of the machine, not of the process, can lose data).
     */
    fsync: z.enum(['always', 'never']).default('always'),
    retention: z
      .object({
        /** Segments fully committed by every consumer group are deleted once older than this. */
        maxAgeHours: z.number().positive().default(24),
        /** When the log (all signals) is larger than this, fully committed segments are deleted regardless of age. */
        maxBytes: z
          .number()
          .int()
          .min(0)
          .default(512 * MiB),
        /**
         * A consumer group found on disk but not consuming in this process stops holding back
         * retention once it has not committed for this long (a renamed or retired group).
         */
        groupExpiryHours: z.number().positive().default(168),
        /** How often retention runs (it also runs under size pressure). */
        checkIntervalMs: z.number().int().min(10).default(30_000),
      })
      .prefault({}),
    /** What one consumer batch holds at most (at least one record is always handed over). */
    batch: z
      .object({
        maxRecords: z.number().int().min(1).default(256),
        maxBytes: z
          .number()
          .int()
          .min(1)
          .default(4 * MiB),
      })
      .prefault({}),
    consumer: z
      .object({
        /** Fallback poll when no append notification arrives (appends from this process always notify). */
        pollIntervalMs: z.number().int().min(10).default(1_000),
        /** Backoff after a handler rejects: starts here, doubles per failure, capped at `retryMaxMs`. */
        retryInitialMs: z.number().int().min(1).default(100),
        retryMaxMs: z.number().int().min(1).default(30_000),
      })
      .prefault({}),
    disk: z
      .object({
        /** Appends are refused (`unavailable`, /readyz not ready) while the file system has less free space than this. */
        minFreeBytes: z
          .number()
          .int()
          .min(0)
          .default(64 * MiB),
        /** How often free space is checked, and how soon a refused or failed append may be retried. */
        checkIntervalMs: z.number().int().min(10).default(1_000),
      })
      .prefault({}),
    deadLetter: z
      .object({
        /** Dead letters older than this are deleted (nobody commits them: they wait for an operator). */
        maxAgeHours: z.number().positive().default(168),
        /** Past this size, the oldest dead-letter segments are deleted. */
        maxBytes: z
          .number()
          .int()
          .min(64 * 1024)
          .default(256 * MiB),
      })
      .prefault({}),
  })
  .strict();

export type EmbeddedLogConfig = z.infer<typeof embeddedLogConfigSchema>;
