// Connection options from `buffer.kafka`: for the consumer (@platformatic/kafka) and for the
// producer's own client (wire/).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { BaseOptions, SASLMechanismValue } from '@platformatic/kafka';
import type { KafkaBufferConfig } from './config.ts';
import type { ClusterOptions } from './wire/cluster.ts';

const SASL_MECHANISMS: Record<NonNullable<KafkaBufferConfig['sasl']>['mechanism'], SASLMechanismValue> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

/** TLS options for node:tls from `buffer.kafka.tls` (undefined when off). */
export function tlsOptions(config: KafkaBufferConfig): ConnectionOptions | undefined {
  if (!config.tls.enabled) return undefined;
  return {
    ca: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
    cert: config.tls.certFile ? readFileSync(config.tls.certFile) : undefined,
    key: config.tls.keyFile ? readFileSync(config.tls.keyFile) : undefined,
    servername: config.tls.serverName,
    rejectUnauthorized: config.tls.rejectUnauthorized,
  };
}

/** Options of the produce-only client (wire/): the producer and its topic checks. */
export function clusterOptions(config: KafkaBufferConfig, role: string): ClusterOptions {
  return {
    brokers: config.brokers,
    clientId: `${config.clientId}-${role}`,
    timeoutMs: config.requestTimeoutMs,
    tls: tlsOptions(config),
    sasl: config.sasl,
  };
}

export function clientOptions(config: KafkaBufferConfig, role: string): BaseOptions {
  const options: BaseOptions = {
    clientId: `${config.clientId}-${role}`,
    bootstrapBrokers: config.brokers,
    timeout: config.requestTimeoutMs,
    connectTimeout: config.requestTimeoutMs,
    retries: config.retries,
    retryDelay: config.retryDelayMs,
    autocreateTopics: false,
  };
  options.tls = tlsOptions(config);
  if (config.sasl) {
    options.sasl = {
      mechanism: SASL_MECHANISMS[config.sasl.mechanism],
      username: config.sasl.username,
      password: config.sasl.password,
    };
  }
  return options;
}
