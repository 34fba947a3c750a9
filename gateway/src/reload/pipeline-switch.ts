// Applies new processors / exporters / pipelines sections to a running process loop: build and
// start the new graph first (a config that does not build is refused, nothing changed), then hold
// batches back for a moment, swap, let batches go on, and shut the old components down (exporters
// flush). Each batch runs wholly on the old graph or wholly on the new one; offsets are committed as
// before, so nothing is lost or delivered twice.
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { PipelineGraph } from '@otelgate/pipelines/process/pipeline-graph.ts';
import type { PipelineSections } from '@otelgate/pipelines/process/config.ts';
import type { Logger } from 'pino';
import type { BatchGate } from './batch-gate.ts';
import type { LiveGraph } from './live-graph.ts';

/** How long a reload waits for the batches in hand to settle before it gives up (and changes nothing). */
export const RELOAD_DRAIN_TIMEOUT_MS = 15_000;

export interface PipelineSwitchOptions {
  live: LiveGraph;
  gate: BatchGate;
  build(sections: PipelineSections): Promise<PipelineGraph>;
  logger: Logger;
  drainTimeoutMs?: number;
}

export type PipelineSwitch = (sections: PipelineSections) => Promise<void>;

export function createPipelineSwitch(options: PipelineSwitchOptions): PipelineSwitch {
  const { live, gate, logger } = options;
  return async (sections) => {
    const next = await options.build(sections);
    const signals = (graph: { signals: readonly string[] }) => graph.signals.join(',');
    if (signals(next) !== signals(live)) {
      await next.shutdown();
      throw new OtelgateError(
        'invalid-argument',
        `pipelines: the signals with a pipeline changed (${signals(live) || 'none'} -> ${signals(next) || 'none'}); adding or removing a pipeline needs a restart`,
      );
    }
    try {
      await live.prepare(next);
    } catch (error) {
      await next.shutdown();
      throw error;
    }
    const drainTimeoutMs = options.drainTimeoutMs ?? RELOAD_DRAIN_TIMEOUT_MS;
    if (!(await gate.pause(drainTimeoutMs))) {
      await next.shutdown();
      throw new OtelgateError(
        'retryable',
        `the batches in hand did not settle within ${drainTimeoutMs / 1000} s; nothing was changed, try again`,
      );
    }
    let previous: PipelineGraph;
    try {
      previous = live.swap(next);
    } finally {
      gate.resume();
    }
    logger.info('pipeline graph swapped; shutting the previous components down');
    await previous.shutdown();
  };
}
