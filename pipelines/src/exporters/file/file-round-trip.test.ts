import { createNoopMeter } from '@opentelemetry/api';
// The file exporter's output read back with the codec's OTLP/JSON parser equals what went in,
// for requests the OpenTelemetry JS SDK produced (all three signals, every metric point kind).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportItem } from '../../components/component.ts';
import type { Signal } from '../../model/common.ts';
import { sdkLogRequest, sdkMetricsRequest, sdkTraceRequest } from '../../otlp/fixtures/sdk-requests.ts';
import { decodeExportRequest, parseOtlpJson } from '../../otlp/index.ts';
import { EXPORTER_FACTORIES } from '../index.ts';

const dir = mkdtempSync(join(tmpdir(), 'otelgate-file-round-trip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file exporter output', () => {
  it('is one OTLP/JSON request per line that parses back to the exported data, for every signal', async () => {
    const factory = EXPORTER_FACTORIES.find((candidate) => candidate.type === 'file')!;
    const path = join(dir, 'out.ndjson');
    const logger = pino({ level: 'silent' });
    const exporter = await factory.create(factory.configSchema.parse({ path }), {
      id: 'file',
      dataDir: dir,
      meter: createNoopMeter(),
      logger,
      emit() {},
    });
    await exporter.start?.();

    const requests: [Signal, Uint8Array][] = [
      ['traces', sdkTraceRequest(12, 20).protobuf],
      ['metrics', (await sdkMetricsRequest()).protobuf],
      ['logs', sdkLogRequest().protobuf],
    ];
    const exported = requests.map(([signal, bytes]) => ({ signal, data: decodeExportRequest(signal, bytes) }));
    for (const [index, { signal, data }] of exported.entries()) {
      const item: ExportItem = {
        data,
        ctx: { tenant: undefined, peerAddress: undefined },
        source: { partition: 0, offset: BigInt(index) },
      };
      expect(await exporter.export(signal, [item])).toEqual({ rejected: [] });
    }
    await exporter.shutdown();

    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1)).toHaveLength(3);
    expect(lines[0].startsWith('{"resourceSpans":[')).toBe(true);
    expect(lines[1].startsWith('{"resourceMetrics":[')).toBe(true);
    expect(lines[2].startsWith('{"resourceLogs":[')).toBe(true);
    exported.forEach(({ signal, data }, index) => {
      expect(parseOtlpJson(signal, lines[index])).toEqual(data);
    });
  });
});
