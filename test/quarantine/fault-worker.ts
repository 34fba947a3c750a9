// A worker for the quarantine tests: the real process loop on the real buffer (embedded log or
// Kafka) with the file exporter, plus a test-only processor that ends the process (exit code 70)
// when it meets a span named `exit-here`, and spins forever on one named `block-here`: the
// injected faults a real crash or hang stands for. Never part of the gateway's own factories.
// Usage: node fault-worker.ts '<options JSON>' (see WorkerOptions).
import { openEmbeddedLog } from '@otelgate/pipelines/buffer/embedded/open-embedded-log.ts';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import type { Processor } from '@otelgate/pipelines/components/component.ts';
import type { ProcessorFactory } from '@otelgate/pipelines/components/factory.ts';
import { DEFAULT_FACTORIES } from '@otelgate/pipelines/process/component-configs.ts';
import { buildPipelineGraph } from '@otelgate/pipelines/process/pipeline-graph.ts';
import { startProcessLoop } from '@otelgate/pipelines/process/process-loop.ts';
import type { TracesData } from '@otelgate/pipelines/model/traces.ts';
import pino from 'pino';
import { z } from 'zod';

export interface WorkerOptions {
  embeddedDir?: string;
  kafka?: Record<string, unknown>;
  /** The file exporter's output. */
  output: string;
  marksDir: string;
  dataDir: string;
  hangTimeoutMs?: number;
}

const options = JSON.parse(process.argv[2]) as WorkerOptions;
const logger = pino({ level: 'warn' }, pino.destination(2));

const exitOnMarker: ProcessorFactory = {
  type: 'exit_on_marker',
  kind: 'processor',
  configSchema: z.strictObject({}),
  create(): Processor {
    return {
      name: 'exit_on_marker',
      signals: ['traces'],
      process(_signal, data) {
        for (const rs of (data as TracesData).resourceSpans)
          for (const ss of rs.scopeSpans)
            for (const span of ss.spans) {
              if (span.name === 'exit-here') process.exit(70);
              if (span.name === 'block-here') for (;;);
            }
        return data;
      },
    };
  },
};

const kafka = options.kafka ? openKafkaBuffer(options.kafka as never, { logger }) : undefined;
const embedded = kafka ? undefined : await openEmbeddedLog({ dir: options.embeddedDir! }, { logger });
const buffer = (kafka ?? embedded)!;
const graph = await buildPipelineGraph(
  {
    pipelines: { traces: { processors: ['exit_on_marker'], exporters: ['file'] } },
    processors: { exit_on_marker: {} },
    exporters: { file: { path: options.output, rotation: { maxMegabytes: 0 } } },
  },
  {
    logger,
    dataDir: options.dataDir,
    factories: { ...DEFAULT_FACTORIES, processors: [...DEFAULT_FACTORIES.processors, exitOnMarker] },
  },
);
const loop = await startProcessLoop({
  consumer: kafka ? kafka.consumer() : embedded!.consumer('otelgate'),
  deadLetters: buffer.deadLetters,
  graph,
  logger,
  config: { quarantine: { dir: options.marksDir, hangTimeoutMs: options.hangTimeoutMs } },
});
process.on('SIGTERM', async () => {
  await loop.stop();
  await buffer.close();
  process.exit(0);
});
