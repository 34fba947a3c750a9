import { metrics } from '@opentelemetry/api';
import type { BufferConsumer, BufferProducer, DeadLetterSink } from '@otelgate/pipelines/buffer/buffer.ts';
import { registerEmbeddedLogMetrics } from '@otelgate/pipelines/buffer/embedded/metrics.ts';
import { openEmbeddedLog } from '@otelgate/pipelines/buffer/embedded/open-embedded-log.ts';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.ts';
import type { DeadLetterStore } from '../dlq/dead-letter-store.ts';

/** The buffer the config names, behind the small interface both roles use. */
export interface OpenedBuffer {
  producer: BufferProducer;
  consumer(group: string): BufferConsumer;
  deadLetters: DeadLetterSink;
  /** For `otelgate dlq` and the admin `/dlq` endpoints. */
  deadLetterStore: DeadLetterStore;
  close(): Promise<void>;
}

export async function openBuffer(config: GatewayConfig, logger: Logger): Promise<OpenedBuffer> {
  const log = await openEmbeddedLog(config.buffer.embedded, { logger });
  const unregister = registerEmbeddedLogMetrics(metrics.getMeter('otelgate'), () => log.stats());
  return {
    producer: log.producer,
    consumer: (group) => log.consumer(group),
    deadLetters: log.deadLetters,
    deadLetterStore: log.deadLetters,
    async close() {
      unregister();
      await log.close();
    },
  };
}
