import type { BufferConsumer } from '@otelgate/pipelines/buffer/buffer.ts';
import type { PipelineSections } from '@otelgate/pipelines/process/config.ts';
import { EmitQueue } from '@otelgate/pipelines/process/emit-queue.ts';
import { type BuildGraphOptions, buildPipelineGraph } from '@otelgate/pipelines/process/pipeline-graph.ts';
import { BatchGate, gatedConsumer } from './batch-gate.ts';
import { LiveGraph } from './live-graph.ts';
import { createPipelineSwitch, type PipelineSwitch } from './pipeline-switch.ts';

/** The process role's graph as reload and tap need it: swappable, tappable, its batches gated. */
export interface ReloadablePipelines {
  live: LiveGraph;
  /** The consumer to run the process loop on: its batches pass the gate a reload closes for a moment. */
  gated(consumer: BufferConsumer): BufferConsumer;
  switchPipelines: PipelineSwitch;
}

export async function buildReloadablePipelines(
  sections: PipelineSections,
  options: BuildGraphOptions,
): Promise<ReloadablePipelines> {
  // One queue for what components emit outside a batch, whichever graph is live.
  const shared: BuildGraphOptions = { ...options, emitted: options.emitted ?? new EmitQueue() };
  const build = (next: PipelineSections) => buildPipelineGraph(next, shared);
  const live = new LiveGraph(await build(sections));
  const gate = new BatchGate();
  return {
    live,
    gated: (consumer) => gatedConsumer(consumer, gate),
    switchPipelines: createPipelineSwitch({
      live,
      gate,
      build,
      logger: options.logger.child({ component: 'reload' }),
    }),
  };
}
