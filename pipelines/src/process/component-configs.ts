// The second validation pass over `processors`, `exporters` and `pipelines`: every component's
// config against its factory's schema, every id a pipeline names against what is configured.
// Used both by the config schema (issues with paths) and by the graph builder (parsed configs).
import { z } from 'zod';
import type { ExporterFactory, ProcessorFactory } from '../components/factory.ts';
import { SIGNALS } from '../model/common.ts';
import { EXPORTER_FACTORIES } from '../exporters/index.ts';
import { PROCESSOR_FACTORIES } from '../processors/index.ts';
import {
  componentConfigsSchema,
  componentIdSchema,
  componentType,
  type PipelineSections,
  pipelinesSchema,
} from './config.ts';

export interface ComponentFactories {
  processors: readonly ProcessorFactory[];
  exporters: readonly ExporterFactory[];
}

export const DEFAULT_FACTORIES: ComponentFactories = {
  processors: PROCESSOR_FACTORIES,
  exporters: EXPORTER_FACTORIES,
};

export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

export interface CheckedComponent<F> {
  id: string;
  factory: F;
  /** The config after its schema: defaults applied. */
  config: unknown;
}

export interface CheckedSections {
  issues: ConfigIssue[];
  processors: Map<string, CheckedComponent<ProcessorFactory>>;
  exporters: Map<string, CheckedComponent<ExporterFactory>>;
}

export function checkPipelineSections(
  sections: PipelineSections,
  factories: ComponentFactories = DEFAULT_FACTORIES,
): CheckedSections {
  const issues: ConfigIssue[] = [];
  const processors = checkComponents('processors', sections.processors, factories.processors, issues);
  const exporters = checkComponents('exporters', sections.exporters, factories.exporters, issues);
  for (const signal of SIGNALS) {
    const pipeline = sections.pipelines[signal];
    if (!pipeline) continue;
    checkReferences(['pipelines', signal, 'processors'], pipeline.processors, sections.processors, 'processor', issues);
    checkReferences(['pipelines', signal, 'exporters'], pipeline.exporters, sections.exporters, 'exporter', issues);
  }
  return { issues, processors, exporters };
}

function checkComponents<F extends ProcessorFactory | ExporterFactory>(
  section: 'processors' | 'exporters',
  configs: Record<string, unknown>,
  factories: readonly F[],
  issues: ConfigIssue[],
): Map<string, CheckedComponent<F>> {
  const checked = new Map<string, CheckedComponent<F>>();
  const kind = section === 'processors' ? 'processor' : 'exporter';
  for (const [id, raw] of Object.entries(configs)) {
    const idCheck = componentIdSchema.safeParse(id);
    if (!idCheck.success) {
      issues.push({ path: [section, id], message: idCheck.error.issues[0].message });
      continue;
    }
    const type = componentType(id);
    const factory = factories.find((candidate) => candidate.type === type);
    if (!factory) {
      const known = factories.map((candidate) => candidate.type).join(', ') || 'none';
      issues.push({ path: [section, id], message: `unknown ${kind} type "${type}" (known: ${known})` });
      continue;
    }
    const result = factory.configSchema.safeParse(raw ?? {});
    if (!result.success) {
      for (const issue of result.error.issues) {
        issues.push({ path: [section, id, ...issue.path.map(pathPart)], message: issueMessage(issue) });
      }
      continue;
    }
    checked.set(id, { id, factory, config: result.data });
  }
  return checked;
}

function checkReferences(
  path: (string | number)[],
  ids: readonly string[],
  configured: Record<string, unknown>,
  kind: 'processor' | 'exporter',
  issues: ConfigIssue[],
): void {
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    if (seen.has(id)) issues.push({ path: [...path, index], message: `${kind} "${id}" is listed twice` });
    seen.add(id);
    if (!Object.hasOwn(configured, id)) {
      issues.push({
        path: [...path, index],
        message: `${kind} "${id}" is not configured (add it under ${kind}s: or remove it from the pipeline)`,
      });
    }
  });
}

function pathPart(part: PropertyKey): string | number {
  return typeof part === 'number' ? part : String(part);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
  }
  return issue.message;
}

/** `exporters.file.rotation.maxMegabytes`, `pipelines.traces.exporters[1]`. */
export function formatIssuePath(path: readonly (string | number)[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

/**
 * The zod schema of the three sections, component configs included (checked against the
 * factories' schemas, issues at their full path). The output keeps component configs raw:
 * `buildPipelineGraph` applies their defaults.
 */
export function pipelineSectionsSchema(factories: ComponentFactories = DEFAULT_FACTORIES) {
  return z
    .strictObject({
      processors: componentConfigsSchema.default({}),
      exporters: componentConfigsSchema.default({ debug: {} }),
      pipelines: pipelinesSchema.default({
        traces: { processors: [], exporters: ['debug'] },
        metrics: { processors: [], exporters: ['debug'] },
        logs: { processors: [], exporters: ['debug'] },
      }),
    })
    .superRefine((sections, ctx) => {
      for (const issue of checkPipelineSections(sections, factories).issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    });
}
