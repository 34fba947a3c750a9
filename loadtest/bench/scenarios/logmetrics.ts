// The logmetrics processor on access-log lines, with the stack's configuration
// (deploy/otelgate/otelgate.yaml: an RE2 pattern with named captures into a histogram, and a
// counter by severity): CPU time per record on one core, for lines that match and lines that do
// not (a service's other logs), and for the severity counter alone. Records are built once;
// logmetrics does not change them.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createNoopMeter } from '@opentelemetry/api';
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import { logmetricsConfigSchema } from '@otelgate/pipelines/processors/logmetrics/config.ts';
import { logmetricsProcessorFactory } from '@otelgate/pipelines/processors/logmetrics/factory.ts';
import { pino } from 'pino';
import { parse } from 'yaml';

const quick = process.argv.includes('--quick');
const SECONDS_PER_CASE = quick ? 0.5 : 4;
const BATCH = 100;

const stack = parse(readFileSync(new URL('../../../deploy/otelgate/otelgate.yaml', import.meta.url), 'utf8')) as {
  processors: { logmetrics: { metrics: unknown[] } };
};
const [histogram, severity] = stack.processors.logmetrics.metrics;

function record(body: string): LogRecord {
  return {
    timeUnixNano: 1n,
    observedTimeUnixNano: 1n,
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: body },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

let i = 0;
const accessLine = () =>
  `10.0.${i % 256}.${i++ % 250} - - [2026-12-04T20:00:00.000Z] "GET /api/items/${i % 1000} HTTP/1.1" ${[200, 200, 200, 404, 500][i % 5]} 85 ${(i % 997) / 7}`;
const otherLine = () =>
  `item served itemId=${i++ % 1000} cached=${i % 2 === 0} took a while to decide what to write here`;

function batch(line: () => string): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: Array.from({ length: BATCH }, () => record(line())),
          },
        ],
      },
    ],
  };
}

async function measure(
  metrics: unknown[],
  line: () => string,
): Promise<{ perRecordUs: number; recordsPerSecond: number }> {
  const processor = await logmetricsProcessorFactory.create(
    logmetricsConfigSchema.parse({ intervalMs: 3_600_000, metrics }),
    { id: 'logmetrics', dataDir: '/tmp', meter: createNoopMeter(), logger: pino({ level: 'silent' }), emit: () => {} },
  );
  const batches = Array.from({ length: 50 }, () => batch(line));
  const ctx = { tenant: undefined, peerAddress: undefined };
  for (const b of batches) processor.process('logs', b, ctx); // warm-up
  let records = 0;
  const started = process.cpuUsage();
  const wall = performance.now();
  while (performance.now() - wall < SECONDS_PER_CASE * 1000) {
    for (const b of batches) processor.process('logs', b, ctx);
    records += batches.length * BATCH;
  }
  const used = process.cpuUsage(started);
  await processor.shutdown?.();
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { perRecordUs: (cpuSeconds / records) * 1e6, recordsPerSecond: records / cpuSeconds };
}

const load = [loadavg()[0]];
const cases: [string, unknown[], () => string][] = [
  ['access-log lines, stack config (histogram + severity counter)', [histogram, severity], accessLine],
  ['other log lines, stack config (pattern does not match)', [histogram, severity], otherLine],
  ['severity counter alone', [severity], accessLine],
];
const rows = [];
for (const [name, metrics, line] of cases) {
  const result = await measure(metrics, line);
  load.push(loadavg()[0]);
  rows.push({
    case: name,
    figures: {
      cpu_us_per_record: Number(result.perRecordUs.toFixed(2)),
      records_per_cpu_second: Math.round(result.recordsPerSecond),
    },
  });
}
rows.push({
  case: 'load average (1 min) during the run',
  figures: { min: Number(Math.min(...load).toFixed(2)), max: Number(Math.max(...load).toFixed(2)) },
});
process.stdout.write(`${JSON.stringify({ scenario: 'logmetrics processor, per core', rows })}\n`);
