import { z } from 'zod';

/** `admin.status.thresholds`: when /status calls a part degraded or failing. */
export const statusThresholdsSchema = z
  .strictObject({
    /** Records waiting in the buffer for one signal (all partitions) above which the buffer is degraded. */
    lagRecords: z.number().int().nonnegative().default(10_000),
    /** Free bytes on the embedded log's disk below which the buffer is degraded. */
    freeDiskBytes: z
      .number()
      .int()
      .nonnegative()
      .default(1024 ** 3),
    /** An exporter failing for this long with no success is failing (before: degraded, retrying). */
    exporterFailingAfterSeconds: z.number().positive().default(300),
    /** A processor or exporter whose last error is younger than this is degraded. */
    recentErrorSeconds: z.number().nonnegative().default(60),
    /** Event-loop delay p99 (since the previous /status) above which the process is degraded. */
    eventLoopDelayMs: z.number().positive().default(500),
    /** V8 heap in use over its limit above which the process is degraded. */
    heapUsedRatio: z.number().positive().max(1).default(0.9),
    /** Resident memory above which the process is degraded; 0: not checked. */
    rssBytes: z.number().int().nonnegative().default(0),
    /** In-flight bytes over `limits.maxInFlightBytes` above which the receivers are degraded. */
    inFlightRatio: z.number().positive().max(1).default(0.9),
  })
  .prefault({});

export type StatusThresholds = z.output<typeof statusThresholdsSchema>;
