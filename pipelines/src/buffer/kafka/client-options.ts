// Connection options shared by the producer, consumer and admin clients, from `buffer.kafka`.
import { readFileSync } from 'node:fs';
import type { BaseOptions, SASLMechanismValue } from '@platformatic/kafka';
import type { KafkaBufferConfig } from './config.ts';

const SASL_MECHANISMS: Record<NonNullable<KafkaBufferConfig['sasl']>['mechanism'], SASLMechanismValue> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

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
  if (config.tls.enabled) {
    options.tls = {
      ca: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
      cert: config.tls.certFile ? readFileSync(config.tls.certFile) : undefined,
      key: config.tls.keyFile ? readFileSync(config.tls.keyFile) : undefined,
      servername: config.tls.serverName,
      rejectUnauthorized: config.tls.rejectUnauthorized,
    };
  }
  if (config.sasl) {
    options.sasl = {
      mechanism: SASL_MECHANISMS[config.sasl.mechanism],
      username: config.sasl.username,
      password: config.sasl.password,
    };
  }
  return options;
}
