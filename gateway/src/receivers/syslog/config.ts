// `receivers.syslog`: RFC 5424 and RFC 3164 messages over UDP, TCP and TLS into OTLP logs.
import { z } from 'zod';
import { endpointSchema } from '../../config/endpoint.ts';
import { receiverTlsSchema } from '../tls/config.ts';

const udpSchema = z.strictObject({
  endpoint: endpointSchema('0.0.0.0:514'),
  /** Larger datagrams are dropped and counted (reason too_large). */
  maxMessageBytes: z.number().int().min(480).max(65_507).default(65_507),
});

const tcpSchema = z.strictObject({
  endpoint: endpointSchema('0.0.0.0:514'),
  /** A newline-framed message past this is cut and counted; an octet-counted one is skipped and counted. */
  maxMessageBytes: z
    .number()
    .int()
    .min(480)
    .default(1024 * 1024),
  /** Connections silent this long are closed. */
  idleTimeoutMs: z.number().int().positive().default(300_000),
  maxConnections: z.number().int().positive().default(1024),
  /** TLS (RFC 5425), the same options as the OTLP receivers'; with clientCaFile, clients need a certificate. */
  tls: receiverTlsSchema.optional(),
});

export const syslogConfigSchema = z
  .strictObject({
    /** `auto` tells RFC 5424 (`<PRI>1 ...`) from RFC 3164 per message. */
    protocol: z.enum(['auto', 'rfc5424', 'rfc3164']).default('auto'),
    udp: udpSchema.optional(),
    tcp: tcpSchema.optional(),
    /** RFC 3164 timestamps carry no zone or year: they are read in this zone (`UTC` or `local`). */
    timezone: z.enum(['UTC', 'local']).default('UTC'),
    tenant: z.string().default('default'),
    /** Records per buffer append; a partial batch is appended after `flushIntervalMs`. */
    maxBatchRecords: z.number().int().positive().default(1024),
    /** Encoded bytes per buffer append: under the Kafka buffer's 1 MiB message (one message per append). */
    maxBatchBytes: z
      .number()
      .int()
      .positive()
      .default(900 * 1024),
    flushIntervalMs: z.number().int().positive().default(100),
    /** Records received and not yet durable; past it UDP drops (counted) and TCP stops reading. */
    maxPendingRecords: z.number().int().positive().default(16_384),
    /** Encoded bytes received and not yet durable (the memory they hold); past it, as maxPendingRecords. */
    maxPendingBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Appends in flight at once (the embedded log shares one fsync between them). */
    maxConcurrentAppends: z.number().int().positive().default(4),
  })
  .refine((config) => config.udp || config.tcp, { error: 'receivers.syslog needs udp, tcp, or both' });

export type SyslogConfig = z.output<typeof syslogConfigSchema>;
