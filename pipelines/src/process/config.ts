// The `pipelines`, `processors` and `exporters` config sections, and the process loop's own
// options. Component configs are validated against their factories' schemas in a second pass
// (component-configs.ts), so the sections can be composed into the gateway's config schema.
import { z } from 'zod';
import { SIGNALS, type Signal } from '../model/common.ts';

/** `type` or `type/name`, as in the Collector: `elasticsearch`, `elasticsearch/audit`. */
export const componentIdSchema = z.string().regex(/^[a-z][a-z0-9_]*(\/[A-Za-z0-9_.-]+)?$/, {
  error: 'expected a component id "type" or "type/name" (type: lowercase letters, digits, "_")',
});

export const pipelineConfigSchema = z.strictObject({
  /** Processor ids, run in this order. */
  processors: z.array(componentIdSchema).default([]),
  /** Exporter ids; every one must confirm a batch before it is committed. */
  exporters: z.array(componentIdSchema).min(1, { error: 'a pipeline needs at least one exporter' }),
});

/**
 * Component configs by id, raw; YAML `file:` with nothing after it means "all defaults". Ids are
 * checked in the second pass (a record key's own error message would be lost).
 */
export const componentConfigsSchema = z.record(
  z.string(),
  z
    .unknown()
    .nullable()
    .transform((value) => value ?? {}),
);

export const pipelinesSchema = z.strictObject({
  traces: pipelineConfigSchema.optional(),
  metrics: pipelineConfigSchema.optional(),
  logs: pipelineConfigSchema.optional(),
});

export type PipelineConfig = z.output<typeof pipelineConfigSchema>;

/** The three sections as the graph builder takes them (component configs still raw). */
export interface PipelineSections {
  pipelines: Partial<Record<Signal, PipelineConfig>>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
}

/** The type part of `type/name`. */
export function componentType(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? id : id.slice(0, slash);
}

export function configuredSignals(pipelines: PipelineSections['pipelines']): Signal[] {
  return SIGNALS.filter((signal) => pipelines[signal] !== undefined);
}

/** Options of the process loop itself (`process` in the gateway config, if the lead mounts it there). */
export const processLoopConfigSchema = z
  .strictObject({
    /** On stop: how long in-flight batches may take to settle and commit before exporters are shut down anyway. */
    stopGracePeriodMs: z.number().int().min(0).default(25_000),
    watchdog: z
      .strictObject({
        /** 0 turns the watchdog off. */
        checkIntervalMs: z.number().int().min(0).default(10_000),
        /**
         * A partition with waiting records that was handed no batch and committed nothing for this
         * long is stalled: the consumer's run is restarted. Keep it well above the consumer's retry
         * backoff cap (a failing exporter is not a stall: its batches keep being handed over).
         */
        stallTimeoutMs: z.number().int().min(1).default(120_000),
        /** How long a restart waits for the stalled run to wind down before the loop reports not ready. */
        restartTimeoutMs: z.number().int().min(1).default(30_000),
      })
      .prefault({}),
    /** Data processors emit outside a batch (periodic flushes) waits here for its exporters; past it, dropped and counted. */
    maxPendingEmits: z.number().int().min(1).default(1_000),
    /**
     * Spans / data points / log records decoded and not yet delivered, across all partitions. Records
     * are decoded in slices and delivered in chunks of an eighth of this, at most four chunks at once,
     * whatever one record holds. The default suits a 256 MiB heap.
     */
    maxItemsInFlight: z.number().int().min(8).default(32_768),
    /** Encoded bytes decoded and not yet delivered, across all partitions (sliced as maxItemsInFlight). */
    maxBytesInFlight: z
      .number()
      .int()
      .min(64 * 1024)
      .default(8 * 1024 * 1024),
    quarantine: z
      .strictObject({
        /** A record in hand when the worker died (or hung) this many times is dead-lettered (`worker-crash`); 0 turns this off. */
        maxCrashes: z.number().int().min(0).default(2),
        /**
         * A processor's pending work on one slice taking longer counts as a hang of its record; an
         * event loop blocked this long (a processor spinning) makes a guard thread note it and kill the
         * process, which the quarantine then counts as a death.
         */
        hangTimeoutMs: z.number().int().min(1).default(60_000),
        /** Where the records in hand are noted (one small file per partition); default `<buffer.embedded.dir>/in-hand`. */
        dir: z.string().min(1).optional(),
      })
      .prefault({}),
  })
  .prefault({});

export type ProcessLoopConfig = z.output<typeof processLoopConfigSchema>;
