import { z } from 'zod';

export const elasticsearchExporterConfigSchema = z
  .object({
    /** Elasticsearch node URLs. */
    nodes: z.array(z.url()).min(1).default(['http://127.0.0.1:9200']),
    /** Basic auth or an API key; at most one. */
    basicAuth: z.object({ username: z.string(), password: z.string() }).optional(),
    apiKey: z.string().min(1).optional(),
    /** Index names are `<indexPrefix>-<logs|traces>-<namespace>-<yyyy.mm.dd>` (UTC day of the record's time). */
    indexPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/)
      .default('otelgate'),
    /** Namespace for records without a tenant; a tenant becomes the namespace (lowercased, sanitized). */
    defaultNamespace: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .default('default'),
    /** index.refresh_interval of new indices (the index templates). */
    refreshInterval: z.string().default('1s'),
    numberOfShards: z.number().int().min(1).default(1),
    /** Replicas; `auto_expand_replicas` 0-N keeps a one-node cluster green. */
    numberOfReplicas: z.number().int().min(0).default(1),
    /** Install the index templates at start (and before the first bulk when ES was down at start). */
    installTemplates: z.boolean().default(true),
    /** Delete daily indices older than this many days; 0 keeps everything. */
    retentionDays: z.number().int().min(0).default(7),
    retentionCheckIntervalMs: z.number().int().min(1000).default(3_600_000),
    /**
     * Documents per _bulk request (~1 MiB of body for SDK-sized spans). A bulk is serialized as it is
     * filled and up to four are in flight; larger bulks only hold more memory at the same CPU per span.
     */
    maxDocsPerBulk: z.number().int().min(1).default(1000),
    /** Attempts for a bulk (whole-request failures) and for the items answered 429 / 5xx. */
    maxAttempts: z.number().int().min(1).default(5),
    initialBackoffMs: z.number().int().min(1).default(200),
    maxBackoffMs: z.number().int().min(1).default(10_000),
    requestTimeoutMs: z.number().int().min(100).default(30_000),
  })
  .strict()
  .refine((c) => !(c.basicAuth && c.apiKey), { message: 'set basicAuth or apiKey, not both' });

export type ElasticsearchExporterConfig = z.infer<typeof elasticsearchExporterConfigSchema>;
