import { z } from 'zod';

export const prometheusExporterConfigSchema = z
  .object({
    /** The remote-write endpoint, e.g. `http://127.0.0.1:9090/api/v1/write`. */
    endpoint: z.url(),
    /** Per-request timeout. */
    timeoutMs: z.number().int().min(100).default(10_000),
    /** Extra request headers (not Content-Type / Content-Encoding). */
    headers: z.record(z.string(), z.string()).default({}),
    /** Basic auth, or a bearer token; at most one. */
    basicAuth: z.object({ username: z.string(), password: z.string() }).optional(),
    bearerToken: z.string().min(1).optional(),
    /** Send the record's tenant as `X-Scope-OrgID` (Mimir, Cortex, Thanos receive). */
    tenantHeader: z.boolean().default(false),
    /** Append unit and `_total` suffixes to metric names (the specification's default). */
    addMetricSuffixes: z.boolean().default(true),
    /** Resource attributes copied onto every series as labels (besides job and instance). */
    promoteResourceAttributes: z.array(z.string().min(1)).default([]),
    /** Emit one `target_info` series per resource with its other attributes. */
    targetInfo: z.boolean().default(true),
    /** Add `otel_scope_name` / `otel_scope_version` labels. */
    scopeLabels: z.boolean().default(true),
    /** Send metric metadata (type, help, unit) with each request. */
    sendMetadata: z.boolean().default(true),
    /** Largest number of time series per remote-write request. */
    maxSeriesPerRequest: z.number().int().min(1).default(2000),
    /** Parallel senders; a series always goes through the same shard, so its samples stay in order. */
    shards: z.number().int().min(1).max(64).default(4),
    /** Attempts per request on 5xx / 429 / network errors before `export` throws retryable. */
    maxAttempts: z.number().int().min(1).default(5),
    initialBackoffMs: z.number().int().min(1).default(200),
    maxBackoffMs: z.number().int().min(1).default(10_000),
    /** Distinct series per tenant; new series past the cap are dropped and counted. */
    maxSeriesPerTenant: z.number().int().min(1).default(100_000),
    /** Delta-to-cumulative state: series remembered (least recently seen evicted first). */
    deltaMaxSeries: z.number().int().min(1).default(100_000),
    /** Forget a delta series not seen for this long (its next point starts a new cumulative series). */
    deltaStaleAfterMs: z.number().int().min(1000).default(3_600_000),
  })
  .strict()
  .refine((c) => !(c.basicAuth && c.bearerToken), { message: 'set basicAuth or bearerToken, not both' });

export type PrometheusExporterConfig = z.infer<typeof prometheusExporterConfigSchema>;
