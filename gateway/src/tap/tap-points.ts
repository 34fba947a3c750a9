// Where in a signal's pipeline a tap looks: `receive` (as decoded, before the first processor),
// `after:<processor>`, `end` (after the last processor: what the pipeline's exporters get) and
// `before:<exporter>` (everything that exporter gets, data other pipelines derive included).
import { componentType } from '@otelgate/pipelines/process/config.ts';
import type { SignalPipeline } from '@otelgate/pipelines/process/pipeline-graph.ts';

export type TapPoint =
  | { kind: 'receive' }
  | { kind: 'end' }
  | { kind: 'after'; processor: string }
  | { kind: 'before'; exporter: string };

export function parseTapPoint(text: string): TapPoint {
  if (text === 'receive' || text === 'end') return { kind: text };
  const [kind, ...rest] = text.split(':');
  const id = rest.join(':');
  if (kind === 'after' && id) return { kind, processor: id };
  if (kind === 'before' && id) return { kind, exporter: id };
  throw new Error(`point: expected receive, end, after:<processor> or before:<exporter>, got ${JSON.stringify(text)}`);
}

export function formatTapPoint(point: TapPoint): string {
  if (point.kind === 'after') return `after:${point.processor}`;
  if (point.kind === 'before') return `before:${point.exporter}`;
  return point.kind;
}

/**
 * Where the point sits among the pipeline's processors: the tap sees the data before processor
 * number `index` runs (`processors.length`: after the last). For `before:<exporter>`, the
 * exporter's index is returned as `exporter`. Undefined when the pipeline has no such point.
 */
export function locateTapPoint(
  pipeline: SignalPipeline,
  point: TapPoint,
): { index: number } | { exporter: number } | undefined {
  if (point.kind === 'receive') return { index: 0 };
  if (point.kind === 'end') return { index: pipeline.processors.length };
  if (point.kind === 'after') {
    const found = pipeline.processors.findIndex((node) => node.id === point.processor);
    return found === -1 ? undefined : { index: found + 1 };
  }
  const found = pipeline.exporters.findIndex((node) => node.id === point.exporter);
  return found === -1 ? undefined : { exporter: found };
}

/** The first redact processor that runs after the point, if any: the tap would show unredacted data. */
export function redactionAfter(pipeline: SignalPipeline, point: TapPoint): string | undefined {
  const at = locateTapPoint(pipeline, point);
  if (!at || 'exporter' in at) return undefined;
  return pipeline.processors.slice(at.index).find((node) => componentType(node.id) === 'redact')?.id;
}
