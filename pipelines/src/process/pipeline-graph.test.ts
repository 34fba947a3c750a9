import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Exporter, Processor } from '../components/component.ts';
import type { ExporterFactory, ProcessorFactory } from '../components/factory.ts';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { Signal } from '../model/common.ts';
import { pipelineSectionsSchema } from './component-configs.ts';
import type { PipelineSections } from './config.ts';
import { buildPipelineGraph } from './pipeline-graph.ts';

const logger = pino({ level: 'silent' });

const created: { id: string; config: unknown }[] = [];
const shutdowns: string[] = [];

const fakeExporterFactory: ExporterFactory<{ url: string; timeoutMs: number; signals: Signal[] }> = {
  type: 'fake',
  kind: 'exporter',
  configSchema: z.strictObject({
    url: z.string(),
    timeoutMs: z.number().int().positive().default(5000),
    signals: z.array(z.enum(['traces', 'metrics', 'logs'])).default(['traces', 'metrics', 'logs']),
  }),
  create(config, context): Exporter {
    created.push({ id: context.id, config });
    return {
      name: context.id,
      signals: config.signals,
      async export() {
        return { rejected: [] };
      },
      async shutdown() {
        shutdowns.push(context.id);
      },
    };
  },
};

const fakeProcessorFactory: ProcessorFactory<{ tag: string }> = {
  type: 'tag',
  kind: 'processor',
  configSchema: z.strictObject({ tag: z.string().default('x') }),
  create(config, context): Processor {
    created.push({ id: context.id, config });
    return {
      name: context.id,
      signals: ['traces', 'logs'],
      process: (_signal, data) => data,
      async shutdown() {
        shutdowns.push(context.id);
      },
    };
  },
};

const factories = { processors: [fakeProcessorFactory], exporters: [fakeExporterFactory] };

function build(sections: PipelineSections) {
  return buildPipelineGraph(sections, { logger, dataDir: '/tmp', factories });
}

async function buildError(sections: PipelineSections): Promise<OtelgateError> {
  const error = await build(sections).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OtelgateError);
  expect((error as OtelgateError).kind).toBe('invalid-argument');
  return error as OtelgateError;
}

describe('pipeline graph', () => {
  it('builds each signal pipeline in order, with defaults applied and one instance per component id', async () => {
    created.length = 0;
    shutdowns.length = 0;
    const graph = await build({
      processors: { tag: {}, 'tag/second': { tag: 'two' }, 'tag/unused': {} },
      exporters: { 'fake/es': { url: 'http://127.0.0.1:9200' }, 'fake/audit': { url: 'http://127.0.0.1:1' } },
      pipelines: {
        traces: { processors: ['tag', 'tag/second'], exporters: ['fake/es'] },
        logs: { processors: ['tag/second'], exporters: ['fake/es', 'fake/audit'] },
      },
    });

    expect(graph.signals).toEqual(['traces', 'logs']);
    expect(graph.pipeline('metrics')).toBeUndefined();
    expect(graph.pipeline('traces')!.processors.map((p) => p.id)).toEqual(['tag', 'tag/second']);
    expect(graph.pipeline('logs')!.exporters.map((e) => e.id)).toEqual(['fake/es', 'fake/audit']);
    expect(graph.pipeline('traces')!.exporters[0].exporter).toBe(graph.pipeline('logs')!.exporters[0].exporter);
    expect(graph.pipeline('traces')!.processors[1].processor).toBe(graph.pipeline('logs')!.processors[0].processor);
    expect(created.map((c) => c.id).sort()).toEqual(['fake/audit', 'fake/es', 'tag', 'tag/second']);
    expect(created.find((c) => c.id === 'fake/es')!.config).toEqual({
      url: 'http://127.0.0.1:9200',
      timeoutMs: 5000,
      signals: ['traces', 'metrics', 'logs'],
    });

    await graph.shutdown();
    await graph.shutdown();
    expect(shutdowns.sort()).toEqual(['fake/audit', 'fake/es', 'tag', 'tag/second']);
  });

  it('refuses a pipeline naming an exporter nobody configured, naming the pipeline path', async () => {
    const error = await buildError({
      processors: {},
      exporters: { fake: { url: 'u' } },
      pipelines: { traces: { processors: [], exporters: ['fake', 'elasticsearch/logs'] } },
    });
    expect(error.message).toContain('pipelines.traces.exporters[1]: exporter "elasticsearch/logs" is not configured');
  });

  it('refuses an exporter type no factory provides, listing the known ones', async () => {
    const error = await buildError({
      processors: {},
      exporters: { kafka: {} },
      pipelines: { traces: { processors: [], exporters: ['kafka'] } },
    });
    expect(error.message).toContain('exporters.kafka: unknown exporter type "kafka" (known: fake)');
  });

  it('names the path of a bad component option in the message', async () => {
    const error = await buildError({
      processors: { tag: { tag: 7, colour: 'red' } },
      exporters: { 'fake/a': { timeoutMs: -1 } },
      pipelines: { traces: { processors: ['tag'], exporters: ['fake/a'] } },
    });
    expect(error.message).toMatch(/exporters\.fake\/a\.url: .*expected string/);
    expect(error.message).toMatch(/exporters\.fake\/a\.timeoutMs: .*>0/);
    expect(error.message).toMatch(/processors\.tag\.tag: .*expected string/);
    expect(error.message).toContain('processors.tag: unknown key "colour"');
  });

  it('builds the smallest useful config with the registered file exporter, and names its missing path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-graph-'));
    try {
      const sections = {
        processors: {},
        exporters: { file: { path: join(dir, 'out.ndjson') } },
        pipelines: {
          traces: { processors: [], exporters: ['file'] },
          metrics: { processors: [], exporters: ['file'] },
          logs: { processors: [], exporters: ['file'] },
        },
      };
      const graph = await buildPipelineGraph(sections, { logger, dataDir: dir });
      expect(graph.exporters.size).toBe(1);
      expect(graph.signals).toEqual(['traces', 'metrics', 'logs']);
      await graph.shutdown();

      const error = await buildPipelineGraph({ ...sections, exporters: { file: {} } }, { logger, dataDir: dir }).catch(
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(OtelgateError);
      expect((error as Error).message).toMatch(/exporters\.file\.path: .*expected string/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an exporter in the pipeline of a signal it does not accept, and shuts down what it built', async () => {
    shutdowns.length = 0;
    const error = await buildError({
      processors: {},
      exporters: { 'fake/metrics-only': { url: 'u', signals: ['metrics'] } },
      pipelines: { logs: { processors: [], exporters: ['fake/metrics-only'] } },
    });
    expect(error.message).toContain('pipelines.logs.exporters[0]: exporter "fake/metrics-only" does not accept logs');
    expect(shutdowns).toEqual(['fake/metrics-only']);
  });

  it('refuses a component listed twice in one pipeline', async () => {
    const error = await buildError({
      processors: { tag: {} },
      exporters: { fake: { url: 'u' } },
      pipelines: { traces: { processors: ['tag', 'tag'], exporters: ['fake'] } },
    });
    expect(error.message).toContain('pipelines.traces.processors[1]: processor "tag" is listed twice');
  });
});

describe('pipeline sections schema', () => {
  const schema = pipelineSectionsSchema(factories);

  it('accepts good sections, keeping component configs raw for the graph builder', () => {
    const parsed = schema.parse({
      processors: { tag: null },
      exporters: { fake: { url: 'u' } },
      pipelines: { traces: { exporters: ['fake'] } },
    });
    expect(parsed.exporters).toEqual({ fake: { url: 'u' } });
    expect(parsed.processors).toEqual({ tag: {} });
    expect(parsed.pipelines.traces).toEqual({ processors: [], exporters: ['fake'] });
  });

  it('reports component and reference problems as issues at their full path', () => {
    const result = schema.safeParse({
      exporters: { fake: { url: 42 } },
      pipelines: { metrics: { exporters: ['fake', 'missing'] }, profiles: { exporters: ['fake'] } },
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(issues).toContain('pipelines');
    expect(result.error!.issues[0].code).toBe('unrecognized_keys');

    const second = schema.safeParse({
      exporters: { fake: { url: 42 } },
      pipelines: { metrics: { exporters: ['fake', 'missing'] } },
    });
    expect(second.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['exporters.fake.url', expect.stringContaining('expected string')],
      ['pipelines.metrics.exporters.1', expect.stringContaining('"missing" is not configured')],
    ]);
  });

  it('rejects malformed component ids', () => {
    const result = schema.safeParse({ exporters: { 'Fake Exporter': {} } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['exporters', 'Fake Exporter']);
    expect(result.error!.issues[0].message).toContain('expected a component id');
  });
});
