import { z } from 'zod';
import { endpointSchema } from '../../config/endpoint.ts';

export const alertmanagerReceiverConfigSchema = z.strictObject({
  /** Its own listener: Alertmanager's webhook_config `url` points here (`http://<host>:<port><path>`). */
  endpoint: endpointSchema('127.0.0.1:9097'),
  path: z.string().startsWith('/').default('/alertmanager'),
  /** The bearer token Alertmanager sends (http_config.authorization.credentials_file). Use `${env:NAME}`. */
  token: z.string().min(16, { error: 'the alertmanager receiver token must be at least 16 characters' }),
  /** The tenant the history belongs to (its Elasticsearch namespace: `otelgate-alerts-<tenant>-*`). */
  tenant: z.string().default('default'),
  /** Alertmanager's base URL, for `otelgate alerts ack` (POST /alerts/ack): silences go to its /api/v2/silences. */
  alertmanagerUrl: z.url().optional(),
  /** How long the silence an acknowledgement creates lasts, unless the request says otherwise. */
  ackSilenceMinutes: z.number().int().positive().default(240),
  /** Largest notification body accepted; larger ones answer 413. */
  maxRequestBodyBytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
});

export type AlertmanagerReceiverConfig = z.output<typeof alertmanagerReceiverConfigSchema>;
