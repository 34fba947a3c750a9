// The process loop draining a pre-filled embedded log: decode, no processors, then either the
// debug exporter (summary only: the loop's own cost plus decoding) or the file exporter (OTLP/JSON
// lines, fdatasync before each commit). Records are SDK-made trace requests of 100 spans with
// ~20 attributes. Figures: spans/s, records/s, CPU-seconds per million spans (this process).
// In-process: the figure is about the loop, not a server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openEmbeddedLog } from '../../../pipelines/src/buffer/embedded/open-embedded-log.ts';
import { sdkTraceRequest } from '../../../pipelines/src/otlp/fixtures/sdk-requests.ts';
import { buildPipelineGraph } from '../../../pipelines/src/process/pipeline-graph.ts';
import { startProcessLoop } from '../../../pipelines/src/process/process-loop.ts';

const quick = process.argv.includes('--quick');
const RECORDS = quick ? 150 : 1_000;
const SPANS_PER_RECORD = 100;
const request = sdkTraceRequest(SPANS_PER_RECORD, 20);
const logger = pino({ level: 'warn' });

async function drainCase(name: string, exporters: Record<string, unknown>) {
  const dir = await mkdtemp(join(tmpdir(), 'otelgate-bench-process-'));
  const log = await openEmbeddedLog({ dir: join(dir, 'data'), fsync: 'never', disk: { minFreeBytes: 0 } }, { logger });
  try {
    const entry = { value: request.protobuf, headers: { 'otelgate-tenant': 'bench' } };
    for (let i = 0; i < RECORDS; i += 50) {
      await log.producer.append(
        'traces',
        Array.from({ length: Math.min(50, RECORDS - i) }, () => entry),
      );
    }
    const graph = await buildPipelineGraph(
      {
        processors: {},
        exporters: Object.fromEntries(
          Object.entries(exporters).map(([id, config]) => [
            id,
            id === 'file' ? { path: join(dir, 'out.ndjson') } : config,
          ]),
        ),
        pipelines: { traces: { processors: [], exporters: Object.keys(exporters) } },
      },
      { logger, dataDir: dir },
    );
    const consumer = log.consumer('bench');
    const cpu = process.cpuUsage();
    const started = performance.now();
    const loop = await startProcessLoop({ consumer, deadLetters: log.deadLetters, graph, logger });
    for (;;) {
      const [traces] = (await consumer.lag()).filter((entry) => entry.signal === 'traces');
      if (traces.lag === 0n) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    await loop.stop();
    const spans = RECORDS * SPANS_PER_RECORD;
    return {
      case: name,
      figures: {
        spans_per_s: Math.round(spans / elapsed),
        records_per_s: Math.round(RECORDS / elapsed),
        cpu_s_per_million_spans: Number((((used.user + used.system) / 1e6) * (1e6 / spans)).toFixed(2)),
      },
    };
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const rows = [
  await drainCase('decode + debug exporter (basic)', { debug: {} }),
  await drainCase('decode + file exporter (OTLP/JSON, fdatasync)', { file: {} }),
];
process.stdout.write(`${JSON.stringify({ scenario: 'process-loop', rows })}\n`);
