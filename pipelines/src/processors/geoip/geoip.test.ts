import { createNoopMeter } from '@opentelemetry/api';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import type { TracesData } from '@otelgate/pipelines/model/traces.ts';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { geoipConfigSchema } from './config.ts';
import { geoipProcessorFactory } from './factory.ts';
import { bundledDatabasePaths } from './geo-database.ts';
import type { GeoipProcessor } from './geoip-processor.ts';

const context = {
  id: 'geoip',
  dataDir: tmpdir(),
  meter: createNoopMeter(),
  logger: pino({ level: 'silent' }),
  emit: () => {},
};
const noPeer = { tenant: undefined, peerAddress: undefined };
const processors: GeoipProcessor[] = [];

async function create(options: Record<string, unknown> = {}): Promise<GeoipProcessor> {
  const processor = (await geoipProcessorFactory.create(geoipConfigSchema.parse(options), context)) as GeoipProcessor;
  processors.push(processor);
  return processor;
}

afterAll(async () => {
  for (const processor of processors) await processor.shutdown();
});

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

function attrs(list: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, Object.values(kv.value)[0]]));
}

function traces(spanAttributes: KeyValue[], resourceAttributes: KeyValue[] = []): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                traceState: '',
                parentSpanId: '',
                flags: 0,
                name: 'GET /',
                kind: 2,
                startTimeUnixNano: 1n,
                endTimeUnixNano: 2n,
                attributes: spanAttributes,
                droppedAttributesCount: 0,
                events: [],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                status: { code: 0, message: '' },
              },
            ],
          },
        ],
      },
    ],
  };
}

function logs(recordAttributes: KeyValue[]): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: 1n,
                observedTimeUnixNano: 1n,
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: 'hello' },
                attributes: recordAttributes,
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('geoip processor', () => {
  it('adds semantic-convention geo attributes to a span from client.address', async () => {
    const processor = await create();
    const data = traces([str('client.address', '8.8.8.8')]);
    processor.process('traces', data, noPeer);
    const span = attrs(data.resourceSpans[0].scopeSpans[0].spans[0].attributes);
    expect(span).toMatchObject({
      'client.address': '8.8.8.8',
      'geo.continent.code': 'NA',
      'geo.country.iso_code': 'US',
      'geo.locality.name': 'Mountain View',
    });
    expect(span['geo.location.lat']).toBeCloseTo(37.42, 1);
    expect(span['geo.location.lon']).toBeCloseTo(-122.08, 1);
    expect(attrs(data.resourceSpans[0].resource.attributes)).toEqual({});
  });

  it('reads address:port and X-Forwarded-For lists from later source attributes on log records', async () => {
    const processor = await create();
    const data = logs([str('http.client_ip', '81.2.69.142:51234, 10.0.0.1')]);
    processor.process('logs', data, noPeer);
    expect(attrs(data.resourceLogs[0].scopeLogs[0].logRecords[0].attributes)).toMatchObject({
      'geo.continent.code': 'EU',
      'geo.country.iso_code': 'GB',
      'geo.locality.name': 'London',
    });
  });

  it('sets geo on the resource when the address is a resource attribute', async () => {
    const processor = await create();
    const data = traces([], [str('source.address', '89.160.20.112')]);
    processor.process('traces', data, noPeer);
    expect(attrs(data.resourceSpans[0].resource.attributes)).toMatchObject({
      'geo.country.iso_code': 'SE',
      'geo.locality.name': 'Stockholm',
    });
    expect(attrs(data.resourceSpans[0].scopeSpans[0].spans[0].attributes)).toEqual({});
  });

  it.each(['10.1.2.3', '127.0.0.1', '192.168.0.10', '100.64.0.1', '169.254.1.1', '::1', 'fd00::1', '2001:db8::1'])(
    'skips the private or reserved address %s',
    async (address) => {
      const processor = await create();
      const data = traces([str('client.address', address)]);
      processor.process('traces', data, noPeer);
      expect(Object.keys(attrs(data.resourceSpans[0].scopeSpans[0].spans[0].attributes))).toEqual(['client.address']);
    },
  );

  it('ignores values that are not addresses', async () => {
    const processor = await create();
    const data = traces([str('client.address', 'example.com'), str('network.peer.address', '8.8.8.8')]);
    processor.process('traces', data, noPeer);
    expect(Object.keys(attrs(data.resourceSpans[0].scopeSpans[0].spans[0].attributes))).toEqual([
      'client.address',
      'network.peer.address',
    ]);
  });

  it('uses the peer address ingest saw for the resource when no attribute carries one', async () => {
    const processor = await create();
    const data = traces([]);
    processor.process('traces', data, { tenant: undefined, peerAddress: '1.1.1.1' });
    expect(attrs(data.resourceSpans[0].resource.attributes)).toMatchObject({
      'geo.continent.code': 'OC',
      'geo.country.iso_code': 'AU',
    });
  });

  it('does not use the peer address when turned off', async () => {
    const processor = await create({ usePeerAddress: false });
    const data = traces([]);
    processor.process('traces', data, { tenant: undefined, peerAddress: '1.1.1.1' });
    expect(data.resourceSpans[0].resource.attributes).toEqual([]);
  });

  it('truncates the source address after the lookup when configured', async () => {
    const processor = await create({ truncateAddress: { enabled: true } });
    const data = traces([str('client.address', '81.2.69.142')]);
    processor.process('traces', data, noPeer);
    const span = attrs(data.resourceSpans[0].scopeSpans[0].spans[0].attributes);
    expect(span['client.address']).toBe('81.2.69.0');
    expect(span['geo.country.iso_code']).toBe('GB');
  });

  it('geolocates the very first IPv6 client (the IPv6 file is open before the processor is)', async () => {
    const processor = await create();
    for (const [address, country, continent] of [
      ['2a02:908::1', 'DE', 'EU'],
      ['[2001:4860:4860::8888]:443', 'CA', 'NA'],
    ]) {
      const data = traces([str('client.address', address)]);
      processor.process('traces', data, noPeer);
      expect(attrs(data.resourceSpans[0].scopeSpans[0].spans[0].attributes)).toMatchObject({
        'geo.country.iso_code': country,
        'geo.continent.code': continent,
      });
    }
  });

  it('reloads a changed database file without a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otelgate-geoip-'));
    try {
      const bundled = bundledDatabasePaths();
      const path = join(dir, 'geo.mmdb');
      await copyFile(bundled.ipv6, path); // an IPv6-only file: 8.8.8.8 is not in it
      const processor = await create({ database: path, reloadCheckIntervalMs: 100 });
      const before = traces([str('client.address', '8.8.8.8')]);
      processor.process('traces', before, noPeer);
      expect(attrs(before.resourceSpans[0].scopeSpans[0].spans[0].attributes)['geo.country.iso_code']).toBeUndefined();

      await copyFile(bundled.ipv4, join(dir, 'next.mmdb'));
      await copyFile(join(dir, 'next.mmdb'), path);
      await vi.waitFor(
        () => {
          const after = traces([str('client.address', '8.8.8.8')]);
          processor.process('traces', after, noPeer);
          expect(attrs(after.resourceSpans[0].scopeSpans[0].spans[0].attributes)['geo.country.iso_code']).toBe('US');
        },
        { timeout: 30_000, interval: 200 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('enriches only the resource of metrics', async () => {
    const processor = await create();
    const data: MetricsData = {
      resourceMetrics: [
        {
          resource: { attributes: [str('client.address', '1.1.1.1')], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeMetrics: [],
        },
      ],
    };
    processor.process('metrics', data, noPeer);
    expect(attrs(data.resourceMetrics[0].resource.attributes)['geo.country.iso_code']).toBe('AU');
  });

  it('leaves records that already carry geo attributes alone', async () => {
    const processor = await create();
    const data = traces([str('client.address', '8.8.8.8'), str('geo.country.iso_code', 'FR')]);
    processor.process('traces', data, noPeer);
    expect(data.resourceSpans[0].scopeSpans[0].spans[0].attributes).toHaveLength(2);
  });

  it('refuses at create time a truncated database file, saying so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otelgate-geoip-'));
    try {
      const path = join(dir, 'cut.mmdb');
      await writeFile(path, (await readFile(bundledDatabasePaths().ipv4)).subarray(0, 1_000_000));
      await expect(geoipProcessorFactory.create(geoipConfigSchema.parse({ database: path }), context)).rejects.toThrow(
        /processors\.geoip\.database: cannot open .*cut\.mmdb: .*truncated/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses at create time a database path that does not exist', async () => {
    await expect(
      geoipProcessorFactory.create(geoipConfigSchema.parse({ database: '/nonexistent/geo.mmdb' }), context),
    ).rejects.toThrow(/processors\.geoip\.database: cannot open/);
  });
});
