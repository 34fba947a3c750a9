// The gateway's configuration: the single source of truth for options and their defaults.
// docs/CONFIG.md documents every field here.
import { embeddedLogConfigSchema } from '@otelgate/pipelines/buffer/embedded/config.ts';
import { kafkaBufferConfigSchema } from '@otelgate/pipelines/buffer/kafka/config.ts';
import { checkPipelineSections } from '@otelgate/pipelines/process/component-configs.ts';
import {
  componentConfigsSchema,
  pipelinesSchema,
  processLoopConfigSchema,
} from '@otelgate/pipelines/process/config.ts';
import { z } from 'zod';
import { statusThresholdsSchema } from '../admin/status/status-thresholds.ts';
import { alertmanagerReceiverConfigSchema } from '../receivers/alertmanager/config.ts';
import { receiverTlsSchema } from '../receivers/tls/config.ts';
import { filelogConfigSchema } from '../receivers/filelog/config.ts';
import { syslogConfigSchema } from '../receivers/syslog/config.ts';
import { endpointSchema } from './endpoint.ts';

const corsSchema = z
  .strictObject({
    /** Exact origins (`https://app.example.com`) or `*` (never sent together with credentials). */
    allowedOrigins: z.array(z.string()).default([]),
    allowedHeaders: z.array(z.string()).default([]),
    maxAgeSeconds: z.number().int().nonnegative().default(7200),
  })
  .prefault({});

const httpReceiverSchema = z
  .strictObject({
    endpoint: endpointSchema('127.0.0.1:4318'),
    /** Limit on the decompressed body, checked while reading and inflating. */
    maxRequestBodyBytes: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    cors: corsSchema,
    /** Peers whose X-Forwarded-For is believed when recording the client address. */
    trustedProxies: z.array(z.string()).default([]),
    /** Serve HTTPS (and, with clientCaFile, require client certificates); unset: plain HTTP. */
    tls: receiverTlsSchema.optional(),
    /** The request line and headers must arrive within this time (as the Collector's read_header_timeout). */
    readHeaderTimeoutSeconds: z.number().positive().default(10),
    /** The whole body must arrive within this time from when its headers did, else 408 (the Collector's read_timeout). */
    readTimeoutSeconds: z.number().positive().default(30),
    /** A body arriving slower than this on average, after its first 5 s, is cut off with 408; 0 turns the check off. */
    minBodyRateBytesPerSecond: z.number().int().nonnegative().default(1024),
    /** Open connections on this listener; more are closed at once. */
    maxConnections: z.number().int().positive().default(4096),
    /** A response the client does not read within this time has its connection closed. */
    writeTimeoutSeconds: z.number().positive().default(30),
    /** HTTP/1.1 requests pipelined on one connection and not yet answered; more close the connection. */
    maxPipelinedRequests: z.number().int().positive().default(16),
  })
  .prefault({});

const grpcReceiverSchema = z
  .strictObject({
    endpoint: endpointSchema('127.0.0.1:4317'),
    /** Limit on one (decompressed) message, as the Collector's max_recv_msg_size_mib. */
    maxRecvMsgSizeMiB: z.number().positive().default(4),
    /** Serve gRPC over TLS (ALPN h2; with clientCaFile, require client certificates); unset: plaintext h2c. */
    tls: receiverTlsSchema.optional(),
    /** Streams (calls) one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). */
    maxConcurrentStreams: z.number().int().positive().default(100),
    /** Open connections on this listener; more are closed at once. */
    maxConnections: z.number().int().positive().default(4096),
    /** A call whose request message stops arriving for this long gets DEADLINE_EXCEEDED. */
    streamIdleTimeoutSeconds: z.number().positive().default(10),
    /** The whole request message must arrive within this time, else DEADLINE_EXCEEDED; a shorter grpc-timeout wins. */
    readTimeoutSeconds: z.number().positive().default(30),
    /** Calls open at once across all connections; more are reset with REFUSED_STREAM before any work. */
    maxConcurrentCalls: z.number().int().positive().default(4096),
    /** A connection with no call open for this long is closed with GOAWAY. */
    connectionIdleTimeoutSeconds: z.number().positive().default(180),
    /** An answer the client does not take (withholds flow-control window) within this time is reset. */
    writeTimeoutSeconds: z.number().positive().default(30),
  })
  .prefault({});

const receiversSchema = z
  .strictObject({
    otlp: z
      .strictObject({
        grpc: grpcReceiverSchema.nullable(),
        http: httpReceiverSchema.nullable(),
      })
      .prefault({}),
    /** Log files (plain, Docker json-file, CRI) followed into OTLP logs; off unless set. */
    filelog: filelogConfigSchema.optional(),
    /** Syslog (RFC 5424 / 3164) over UDP, TCP, TLS into OTLP logs; off unless set. */
    syslog: syslogConfigSchema.optional(),
    /** Alertmanager's webhook: notifications into the alert history (`otelgate-alerts-*`); off unless set. */
    alertmanager: alertmanagerReceiverConfigSchema.optional(),
  })
  .prefault({});

const apiKeySchema = z.strictObject({
  key: z.string().min(16, { error: 'API keys must be at least 16 characters' }),
  tenant: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    error: 'expected a tenant name of lowercase letters, digits, "-" and "_" (at most 64)',
  }),
});

const authSchema = z
  .strictObject({
    /** With no keys configured, auth is off and data belongs to `defaultTenant`. */
    apiKeys: z.array(apiKeySchema).default([]),
    /** Header carrying the key when not sent as `Authorization: Bearer <key>`. */
    header: z.string().toLowerCase().default('x-api-key'),
    defaultTenant: z.string().default('default'),
  })
  .prefault({});

const bufferSchema = z
  .strictObject({
    embedded: embeddedLogConfigSchema.prefault({}),
    /** Set to use Kafka (production); without it, the embedded log. */
    kafka: kafkaBufferConfigSchema.optional(),
  })
  .prefault({});

const limitsSchema = z
  .strictObject({
    /** Bytes of requests being received or awaiting the buffer at once; past it, 429 / RESOURCE_EXHAUSTED. */
    maxInFlightBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    /**
     * With API keys configured: the fraction of maxInFlightBytes one tenant may hold, so one tenant
     * filling the limit cannot starve the others. 1 turns it off.
     */
    tenantShare: z.number().positive().max(1).default(0.5),
    /** Seconds a refused client is asked to wait (Retry-After). */
    retryAfterSeconds: z.number().int().positive().default(1),
    /** Deepest AnyValue nesting accepted at ingest. */
    maxAnyValueDepth: z.number().int().positive().default(64),
  })
  .prefault({});

const adminSchema = z
  .strictObject({
    endpoint: endpointSchema('127.0.0.1:13133'),
    /** How long /readyz caches its answer. */
    readinessCacheMs: z.number().int().nonnegative().default(1000),
    /**
     * Bearer token for the admin endpoints that change state or show data (`/dlq*`, `/tap`, `/reload`).
     * Unset or empty: those endpoints answer 403. Usually `${env:OTELGATE_ADMIN_TOKEN}`.
     */
    token: z
      .string()
      .refine((token) => token === '' || token.length >= 16, {
        error: 'the admin token must be at least 16 characters',
      })
      .optional(),
    /** `otelgate tap` (GET /tap): live samples of the records in a pipeline. */
    tap: z
      .strictObject({
        /** Allow points that come before a redact processor (unredacted data). Off: such points answer 403. */
        allowBeforeRedaction: z.boolean().default(false),
        /** Highest sample rate a tap may ask for, in records (spans, metrics, log records) per second. */
        maxRatePerSecond: z.number().int().positive().default(100),
        /** Taps attached at once; more answer 429. */
        maxSessions: z.number().int().positive().default(4),
      })
      .prefault({}),
    /** `GET /status` and `/`: when a part is called degraded or failing. */
    status: z.strictObject({ thresholds: statusThresholdsSchema }).prefault({}),
  })
  .prefault({});

const logFileSchema = z.strictObject({
  path: z.string(),
  maxSizeMiB: z.number().positive().default(100),
  rotateEveryHours: z.number().int().positive().default(24),
  retentionDays: z.number().positive().default(7),
  compress: z.boolean().default(true),
});

const logSchema = z
  .strictObject({
    /** Overridden by the LOG_LEVEL environment variable. */
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Also write the log to a rotated file (stdout is always written). */
    file: logFileSchema.optional(),
  })
  .prefault({});

const serviceSchema = z
  .strictObject({
    /** `both` runs ingest and the process loop in one process (the only choice with the embedded buffer). */
    role: z.enum(['both', 'ingest', 'process']).default('both'),
    /** On SIGTERM: stop accepting, finish in-flight work, flush and commit within this time. */
    shutdownGracePeriodSeconds: z.number().positive().default(30),
  })
  .prefault({});

const DEFAULT_PIPELINE = { processors: [], exporters: ['debug'] };

export const configSchema = z
  .strictObject({
    receivers: receiversSchema,
    auth: authSchema,
    buffer: bufferSchema,
    limits: limitsSchema,
    processors: componentConfigsSchema.default({}),
    exporters: componentConfigsSchema.default({ debug: {} }),
    pipelines: pipelinesSchema.default({ traces: DEFAULT_PIPELINE, metrics: DEFAULT_PIPELINE, logs: DEFAULT_PIPELINE }),
    process: processLoopConfigSchema,
    admin: adminSchema,
    log: logSchema,
    service: serviceSchema,
  })
  .superRefine((config, ctx) => {
    // Component configs are checked against their factories' schemas here, so `validate` and
    // `start` report every problem at once, with its full path.
    for (const issue of checkPipelineSections(config).issues) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

export type GatewayConfig = z.output<typeof configSchema>;
export type HttpReceiverConfig = z.output<typeof httpReceiverSchema>;
export type GrpcReceiverConfig = z.output<typeof grpcReceiverSchema>;
export type AuthConfig = z.output<typeof authSchema>;
export type LogConfig = z.output<typeof logSchema>;
export type LimitsConfig = z.output<typeof limitsSchema>;
