import { decodeExportRequest } from '@otelgate/pipelines/otlp/decode.ts';
import { buildPipelineGraph } from '@otelgate/pipelines/process/pipeline-graph.ts';
import { startProcessLoop } from '@otelgate/pipelines/process/process-loop.ts';
import type { Logger } from 'pino';
import type { OpenedBuffer } from '../buffer/open-buffer.ts';
import type { GatewayConfig } from '../config/schema.ts';

/** The consumer group every worker joins (Kafka) / whose offsets the embedded log keeps. */
export const CONSUMER_GROUP = 'otelgate';

export interface ProcessRole {
  isRunning(): boolean;
  stop(): Promise<void>;
}

/** Builds the pipeline graph (validated once) and drains the buffer through it. */
export async function startProcessRole(
  config: GatewayConfig,
  buffer: OpenedBuffer,
  logger: Logger,
): Promise<ProcessRole> {
  const graph = await buildPipelineGraph(
    { pipelines: config.pipelines, processors: config.processors, exporters: config.exporters },
    { logger, dataDir: config.buffer.embedded.dir },
  );
  const loop = await startProcessLoop({
    consumer: buffer.consumer(CONSUMER_GROUP),
    deadLetters: buffer.deadLetters,
    graph,
    logger,
    decode: decodeExportRequest,
    config: config.process,
  });
  return { isRunning: () => loop.isRunning(), stop: () => loop.stop() };
}
