import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ExportItem, SignalData } from '../../components/component.ts';
import type { ToOtlpJson } from '../file/file-exporter.ts';
import { debugExporterConfigSchema } from './config.ts';
import { DebugExporter } from './debug-exporter.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const plainJson: ToOtlpJson = (_signal, data) =>
  JSON.stringify(data, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));

function metricsItem(services: string[], pointsPerResource: number, offset: bigint): ExportItem<'metrics'> {
  const data: SignalData['metrics'] = {
    resourceMetrics: services.map((service) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeMetrics: [
        {
          scope: { name: 'm', version: '', attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          metrics: [
            {
              name: 'requests',
              description: '',
              unit: '1',
              metadata: [],
              gauge: {
                dataPoints: Array.from({ length: pointsPerResource }, (_, i) => ({
                  attributes: [],
                  startTimeUnixNano: 0n,
                  timeUnixNano: BigInt(i),
                  asDouble: i,
                  exemplars: [],
                  flags: 0,
                })),
              },
            },
          ],
        },
      ],
    })),
  };
  return { data, ctx: { tenant: 'shop', peerAddress: undefined }, source: { partition: 0, offset } };
}

describe('debug exporter', () => {
  it('basic: one summary line per batch with signal, records, resources and items', async () => {
    const { logger, lines } = capture();
    const exporter = new DebugExporter('debug', debugExporterConfigSchema.parse({}), logger, plainJson);
    const result = await exporter.export('metrics', [metricsItem(['a', 'b'], 3, 0n), metricsItem(['c'], 2, 1n)]);
    expect(result).toEqual({ rejected: [] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ signal: 'metrics', records: 2, resources: 3, items: 8, msg: 'metrics received' });
  });

  it('normal: one line per record with its services, counts and position', async () => {
    const { logger, lines } = capture();
    const exporter = new DebugExporter('debug', { verbosity: 'normal' }, logger, plainJson);
    await exporter.export('metrics', [metricsItem(['a', 'b', 'a'], 1, 7n), metricsItem(['c'], 4, 8n)]);
    expect(lines.map((line) => [line.offset, line.services, line.resources, line.items, line.tenant])).toEqual([
      ['7', ['a', 'b'], 3, 3, 'shop'],
      ['8', ['c'], 1, 4, 'shop'],
    ]);
    expect(lines[0].data).toBeUndefined();
  });

  it('detailed: the full record as OTLP/JSON in the log line', async () => {
    const { logger, lines } = capture();
    const exporter = new DebugExporter('debug', { verbosity: 'detailed' }, logger, plainJson);
    await exporter.export('metrics', [metricsItem(['a'], 2, 0n)]);
    expect(lines).toHaveLength(1);
    const data = lines[0].data as { resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[] };
    expect(data.resourceMetrics[0].scopeMetrics[0].metrics[0].name).toBe('requests');
  });

  it('refuses an unknown verbosity', () => {
    const result = debugExporterConfigSchema.safeParse({ verbosity: 'loud' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['verbosity']);
  });
});
