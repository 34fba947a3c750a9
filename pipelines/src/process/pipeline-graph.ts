// The pipeline graph, built and validated once at start (as the Collector does): which
// processors run in which order per signal, and which exporters receive the result. A component
// named by several signals' pipelines is one instance.
import { createNoopMeter, type Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Exporter, Processor } from '../components/component.ts';
import { trackExporter, trackProcessor } from '../components/component-health.ts';
import type { FactoryContext } from '../components/factory.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import {
  type ComponentFactories,
  checkPipelineSections,
  DEFAULT_FACTORIES,
  formatIssuePath,
} from './component-configs.ts';
import { configuredSignals, type PipelineSections } from './config.ts';
import { EmitQueue } from './emit-queue.ts';

export interface ProcessorNode {
  id: string;
  processor: Processor;
}

export interface ExporterNode {
  id: string;
  exporter: Exporter;
}

export interface SignalPipeline {
  signal: Signal;
  processors: readonly ProcessorNode[];
  exporters: readonly ExporterNode[];
}

export interface PipelineGraph {
  /** Signals that have a pipeline, in `traces, metrics, logs` order. */
  readonly signals: readonly Signal[];
  pipeline(signal: Signal): SignalPipeline | undefined;
  readonly processors: ReadonlyMap<string, Processor>;
  readonly exporters: ReadonlyMap<string, Exporter>;
  /** What processors emitted outside `process()`, waiting for the process loop to deliver it. */
  readonly emitted: EmitQueue;
  /** Calls every exporter's `start()`. */
  start(): Promise<void>;
  /** Shuts processors down, then exporters (which flush); each at most once, errors logged. */
  shutdown(): Promise<void>;
}

export interface BuildGraphOptions {
  logger: Logger;
  /** The gateway's data directory, for components that keep state on disk. */
  dataDir: string;
  /** Where components declare their instruments (the gateway's MeterProvider); none: a no-op meter. */
  meter?: Meter;
  factories?: ComponentFactories;
  /** Where components' out-of-batch `emit` goes; pass the same queue to every rebuild of the graph. */
  emitted?: EmitQueue;
}

/**
 * Validates the sections (unknown types, bad component configs, ids a pipeline names but nobody
 * configured: one `invalid-argument` error listing every problem with its path), then creates
 * every component a pipeline uses. Configured but unused components are not created.
 */
export async function buildPipelineGraph(
  sections: PipelineSections,
  options: BuildGraphOptions,
): Promise<PipelineGraph> {
  const checked = checkPipelineSections(sections, options.factories ?? DEFAULT_FACTORIES);
  if (checked.issues.length > 0) throw configError(checked.issues);

  const signals = configuredSignals(sections.pipelines);
  const logger = options.logger.child({ component: 'pipelines' });
  const meter = options.meter ?? createNoopMeter();
  const emitted = options.emitted ?? new EmitQueue();
  const contextFor = (id: string): FactoryContext => ({
    id,
    dataDir: options.dataDir,
    logger: options.logger,
    meter,
    emit: (signal, data, ctx) => emitted.push(signal, data, ctx),
  });

  const usedProcessors = new Set(signals.flatMap((signal) => sections.pipelines[signal]?.processors ?? []));
  const usedExporters = new Set(signals.flatMap((signal) => sections.pipelines[signal]?.exporters ?? []));
  warnUnused(logger, 'processor', sections.processors, usedProcessors);
  warnUnused(logger, 'exporter', sections.exporters, usedExporters);

  const processors = new Map<string, Processor>();
  const exporters = new Map<string, Exporter>();
  const shutdownAll = async () => {
    for (const [id, processor] of processors) await settleQuietly(logger, id, () => processor.shutdown?.());
    for (const [id, exporter] of exporters) await settleQuietly(logger, id, () => exporter.shutdown());
  };
  try {
    for (const id of usedProcessors) {
      const { factory, config } = checked.processors.get(id)!;
      processors.set(id, trackProcessor(id, await factory.create(config, contextFor(id))));
    }
    for (const id of usedExporters) {
      const { factory, config } = checked.exporters.get(id)!;
      exporters.set(id, trackExporter(id, await factory.create(config, contextFor(id))));
    }
  } catch (error) {
    await shutdownAll();
    throw error;
  }

  const { pipelines, issues } = assemblePipelines(signals, sections, processors, exporters);
  if (issues.length > 0) {
    await shutdownAll();
    throw configError(issues);
  }

  let shutdown: Promise<void> | undefined;
  return {
    signals,
    pipeline: (signal) => pipelines.get(signal),
    processors,
    exporters,
    emitted,
    async start() {
      for (const exporter of exporters.values()) await exporter.start?.();
    },
    shutdown() {
      shutdown ??= shutdownAll();
      return shutdown;
    },
  };
}

function warnUnused(logger: Logger, kind: string, configured: Record<string, unknown>, used: Set<string>): void {
  for (const id of Object.keys(configured)) {
    if (!used.has(id)) logger.warn({ [kind]: id }, `${kind} is configured but no pipeline uses it`);
  }
}

/** Each signal's pipeline from the created components; a component that does not handle the signal is an issue. */
function assemblePipelines(
  signals: readonly Signal[],
  sections: PipelineSections,
  processors: Map<string, Processor>,
  exporters: Map<string, Exporter>,
): { pipelines: Map<Signal, SignalPipeline>; issues: { path: (string | number)[]; message: string }[] } {
  const pipelines = new Map<Signal, SignalPipeline>();
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const signal of signals) {
    const config = sections.pipelines[signal]!;
    config.processors.forEach((id, index) => {
      if (!processors.get(id)!.signals.includes(signal)) {
        issues.push({
          path: ['pipelines', signal, 'processors', index],
          message: `processor "${id}" does not handle ${signal}`,
        });
      }
    });
    config.exporters.forEach((id, index) => {
      if (!exporters.get(id)!.signals.includes(signal)) {
        issues.push({
          path: ['pipelines', signal, 'exporters', index],
          message: `exporter "${id}" does not accept ${signal}`,
        });
      }
    });
    pipelines.set(signal, {
      signal,
      processors: config.processors.map((id) => ({ id, processor: processors.get(id)! })),
      exporters: config.exporters.map((id) => ({ id, exporter: exporters.get(id)! })),
    });
  }
  return { pipelines, issues };
}

function configError(issues: { path: (string | number)[]; message: string }[]): OtelgateError {
  const lines = issues.map((issue) => `  ${formatIssuePath(issue.path)}: ${issue.message}`);
  return new OtelgateError('invalid-argument', `pipeline config is not valid:\n${lines.join('\n')}`);
}

async function settleQuietly(logger: Logger, id: string, run: () => Promise<void> | undefined): Promise<void> {
  try {
    await run();
  } catch (error) {
    logger.error({ err: error, componentId: id }, 'component shutdown failed');
  }
}
