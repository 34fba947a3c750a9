// The swap itself, on real pipeline graphs (redact + debug exporter): batches in hand finish on the
// old components, batches that arrive meanwhile wait and run on the new ones, and a reload that
// cannot drain in time changes nothing.
import type { ConsumedBatch } from '@otelgate/pipelines/buffer/buffer.ts';
import type { PipelineSections } from '@otelgate/pipelines/process/config.ts';
import { buildPipelineGraph } from '@otelgate/pipelines/process/pipeline-graph.ts';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BatchGate } from './batch-gate.ts';
import { LiveGraph } from './live-graph.ts';
import { createPipelineSwitch } from './pipeline-switch.ts';

const logger = pino({ level: 'silent' });
const sections = (pattern: string, signals: ('logs' | 'traces')[] = ['logs']): PipelineSections => ({
  processors: { redact: { customPatterns: [{ name: 'custom', pattern }] } },
  exporters: { debug: {} },
  pipelines: Object.fromEntries(signals.map((signal) => [signal, { processors: ['redact'], exporters: ['debug'] }])),
});
const batch = { signal: 'logs', partition: 0, records: [] } as unknown as ConsumedBatch;

async function setUp() {
  const build = (next: PipelineSections) => buildPipelineGraph(next, { logger, dataDir: '/tmp' });
  const live = new LiveGraph(await build(sections('A-[0-9]+')));
  const gate = new BatchGate();
  const switchPipelines = createPipelineSwitch({ live, gate, build, logger, drainTimeoutMs: 300 });
  return { live, gate, switchPipelines };
}

function held() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { release, released };
}

describe('pipeline switch', () => {
  it('lets the batch in hand finish on the old graph and runs later batches on the new one', async () => {
    const { live, gate, switchPipelines } = await setUp();
    const old = live.processors.get('redact');
    const seen: unknown[][] = [];
    const hold = held();
    const first = gate.wrap(async () => {
      const before = live.pipeline('logs')!.processors[0].processor;
      await hold.released;
      seen.push([before, live.pipeline('logs')!.processors[0].processor]);
    })(batch);

    let switched = false;
    const switching = switchPipelines(sections('B-[0-9]+')).then(() => {
      switched = true;
    });
    while (!gate.paused) await new Promise((resolve) => setTimeout(resolve, 10));
    let secondStarted = false;
    const second = gate.wrap(async () => {
      secondStarted = true;
      seen.push([live.pipeline('logs')!.processors[0].processor]);
    })(batch);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(switched).toBe(false);
    expect(secondStarted).toBe(false);

    hold.release();
    await Promise.all([first, second, switching]);
    expect(seen[0]).toEqual([old, old]);
    expect(seen[1][0]).not.toBe(old);
    expect(seen[1][0]).toBe(live.processors.get('redact'));
  });

  it('changes nothing and lets batches go on when the batch in hand does not settle in time', async () => {
    const { live, gate, switchPipelines } = await setUp();
    const old = live.processors.get('redact');
    const hold = held();
    const first = gate.wrap(() => hold.released)(batch);
    const refused = await switchPipelines(sections('B-[0-9]+')).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain('did not settle within 0.3 s; nothing was changed');
    expect(live.processors.get('redact')).toBe(old);
    let ran = false;
    await gate.wrap(async () => {
      ran = true;
    })(batch);
    expect(ran).toBe(true);
    hold.release();
    await first;
  });

  it('refuses to add or remove a whole pipeline', async () => {
    const { live, switchPipelines } = await setUp();
    const old = live.processors.get('redact');
    await expect(switchPipelines(sections('A-[0-9]+', ['logs', 'traces']))).rejects.toThrow(
      'adding or removing a pipeline needs a restart',
    );
    expect(live.processors.get('redact')).toBe(old);
  });
});
