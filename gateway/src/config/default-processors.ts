import type { Signal } from '@otelgate/pipelines/model/common.ts';

/**
 * Processors a pipeline runs when it does not name its own (`processors:` left out): geoip, then
 * redact, then errors for traces and logs. Metrics get none: geo or redaction labels on data
 * points would only add series. `processors: []` turns them off for a pipeline.
 */
export const DEFAULT_PROCESSORS: Record<Signal, string[]> = {
  traces: ['geoip', 'redact', 'errors'],
  logs: ['geoip', 'redact', 'errors'],
  metrics: [],
};

const DEFAULT_EXPORTERS = ['debug'];

/**
 * Fills in, before validation, what the defaults mean for the raw YAML tree: pipelines for every
 * signal to the debug exporter when there is no `pipelines` section, the default processors for
 * a pipeline that names none, and an entry (all defaults) for each default processor not
 * configured under `processors`.
 */
export function applyPipelineDefaults(tree: unknown): unknown {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) return tree;
  const config = { ...(tree as Record<string, unknown>) };
  if (config.pipelines === undefined) {
    config.pipelines = Object.fromEntries(
      Object.keys(DEFAULT_PROCESSORS).map((signal) => [signal, { exporters: DEFAULT_EXPORTERS }]),
    );
    if (config.exporters === undefined) config.exporters = { debug: {} };
  }
  const pipelines = config.pipelines;
  if (pipelines === null || typeof pipelines !== 'object' || Array.isArray(pipelines)) return config;
  const processors: Record<string, unknown> = isObject(config.processors) ? { ...config.processors } : {};
  const withDefaults: Record<string, unknown> = {};
  for (const [signal, pipeline] of Object.entries(pipelines)) {
    const defaults = DEFAULT_PROCESSORS[signal as Signal];
    if (defaults && isObject(pipeline) && pipeline.processors === undefined) {
      withDefaults[signal] = { ...pipeline, processors: defaults };
      for (const id of defaults) if (!(id in processors)) processors[id] = {};
    } else {
      withDefaults[signal] = pipeline;
    }
  }
  config.pipelines = withDefaults;
  if (Object.keys(processors).length > 0 || config.processors !== undefined) config.processors = processors;
  return config;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
