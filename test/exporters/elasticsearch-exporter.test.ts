import { createNoopMeter } from '@opentelemetry/api';
// The elasticsearch exporter against the real Elasticsearch of test/services/elasticsearch.
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExportItem } from '@otelgate/pipelines/components/component.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { elasticsearchExporterConfigSchema } from '@otelgate/pipelines/exporters/elasticsearch/config.ts';
import type { ElasticsearchExporter } from '@otelgate/pipelines/exporters/elasticsearch/elasticsearch-exporter.ts';
import { elasticsearchExporterFactory } from '@otelgate/pipelines/exporters/elasticsearch/factory.ts';
import { deleteExpiredIndices } from '@otelgate/pipelines/exporters/elasticsearch/retention.ts';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord, LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { Span, TracesData } from '@otelgate/pipelines/model/traces.ts';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { nanos, str } from './metrics-fixtures.ts';

const ES_URL = process.env.ES_URL ?? 'http://127.0.0.1:19200';
const logger = pino({ level: 'silent' });
const context = { id: 'elasticsearch', dataDir: '/tmp', meter: createNoopMeter(), logger, emit: () => {} };
const exporters: ElasticsearchExporter[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const s of servers) s.close();
  for (const e of exporters) {
    await e.client.indices
      .delete({ index: `${(e as unknown as { config: { indexPrefix: string } }).config.indexPrefix}-*` })
      .catch(() => {});
    await e.shutdown();
  }
});

async function exporter(options: Record<string, unknown> = {}): Promise<ElasticsearchExporter> {
  const config = elasticsearchExporterConfigSchema.parse({
    nodes: [ES_URL],
    indexPrefix: `t${randomUUID().slice(0, 8)}`,
    numberOfReplicas: 0,
    retentionDays: 0,
    initialBackoffMs: 20,
    ...options,
  });
  const e = (await elasticsearchExporterFactory.create(config, context)) as ElasticsearchExporter;
  exporters.push(e);
  await e.start();
  return e;
}

function prefixOf(e: ElasticsearchExporter): string {
  return (e as unknown as { config: { indexPrefix: string } }).config.indexPrefix;
}

function item<T>(data: T, tenant?: string, offset = 0n): ExportItem {
  return { data, ctx: { tenant, peerAddress: undefined }, source: { partition: 0, offset } } as ExportItem;
}

const resource = [str('service.name', 'checkout'), str('deployment.environment', 'test')];

function span(spanId: string, attributes: KeyValue[], startMs: number): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'GET /cart',
    kind: 2,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs) + 1_500_000n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 2, message: 'boom' },
  };
}

function traces(spans: Span[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          { scope: { name: 's', version: '1', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans },
        ],
      },
    ],
  };
}

function log(body: string, attributes: KeyValue[], timeMs: number): LogRecord {
  return {
    timeUnixNano: nanos(timeMs),
    observedTimeUnixNano: nanos(timeMs),
    severityNumber: 17,
    severityText: 'ERROR',
    body: { stringValue: body },
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    eventName: '',
  };
}

function logs(records: LogRecord[]): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '1', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: records,
          },
        ],
      },
    ],
  };
}

async function search(e: ElasticsearchExporter, index: string, query: Record<string, unknown>) {
  await e.client.indices.refresh({ index });
  const response = await e.client.search({ index, query, size: 100 });
  return response.hits.hits.map((h) => ({ id: h._id, source: h._source as Record<string, unknown> }));
}

describe('elasticsearch exporter against a real Elasticsearch', () => {
  it('writes spans and logs that _search finds by their mapped fields, with no duplicates after a replay', async () => {
    const e = await exporter();
    const prefix = prefixOf(e);
    const now = Date.now();
    const enriched = [
      str('http.request.method', 'GET'),
      { key: 'geo.location.lat', value: { doubleValue: 52.52 } },
      { key: 'geo.location.lon', value: { doubleValue: 13.405 } },
      str('geo.country.iso_code', 'DE'),
      str('error.type', 'TypeError'),
      str('otelgate.error.category', 'code'),
      str('otelgate.error.fingerprint', 'f'.repeat(32)),
    ];
    const spanBatch = [
      item(traces([span('b7ad6b7169203331', enriched, now), span('b7ad6b7169203332', [], now)]), 'Acme Corp'),
    ];
    const logBatch = [
      item(logs([log('payment failed for order 42', enriched, now), log('second line', [], now)]), 'Acme Corp'),
    ];
    expect((await e.export('traces', spanBatch as ExportItem<'traces'>[])).rejected).toEqual([]);
    expect((await e.export('logs', logBatch as ExportItem<'logs'>[])).rejected).toEqual([]);
    // A worker killed after the write replays the same batch: create answers 409, nothing doubles.
    expect((await e.export('traces', spanBatch as ExportItem<'traces'>[])).rejected).toEqual([]);
    expect((await e.export('logs', logBatch as ExportItem<'logs'>[])).rejected).toEqual([]);

    const spanIndex = `${prefix}-traces-acme_corp-*`;
    const spans = await search(e, spanIndex, { match_all: {} });
    expect(spans.map((s) => s.id).sort()).toEqual([
      '0af7651916cd43dd8448eb211c80319cb7ad6b7169203331',
      '0af7651916cd43dd8448eb211c80319cb7ad6b7169203332',
    ]);
    const geo = await search(e, spanIndex, {
      geo_distance: { distance: '10km', 'geo.location': { lat: 52.5, lon: 13.4 } },
    });
    expect(geo).toHaveLength(1);
    expect(await search(e, spanIndex, { term: { 'otelgate.error.category': 'code' } })).toHaveLength(1);
    expect(await search(e, spanIndex, { term: { 'attributes.http.request.method': 'GET' } })).toHaveLength(1);
    expect(await search(e, spanIndex, { range: { 'duration.ns': { gte: 1_500_000, lte: 1_500_000 } } })).toHaveLength(
      2,
    );
    expect(await search(e, spanIndex, { term: { 'service.name': 'checkout' } })).toHaveLength(2);

    const logIndex = `${prefix}-logs-acme_corp-*`;
    expect(await search(e, logIndex, { match_all: {} })).toHaveLength(2);
    const byText = await search(e, logIndex, { match: { body: 'payment' } });
    expect(byText).toHaveLength(1);
    expect(byText[0].source).toMatchObject({
      'error.type': 'TypeError',
      'severity.text': 'ERROR',
      'trace.id': '0af7651916cd43dd8448eb211c80319c',
    });
    expect(await search(e, logIndex, { term: { 'body.keyword': 'second line' } })).toHaveLength(1);
    expect(await search(e, logIndex, { term: { 'resource.attributes.deployment.environment': 'test' } })).toHaveLength(
      2,
    );

    const mapping = await e.client.indices.getMapping({ index: logIndex });
    const properties = Object.values(mapping)[0].mappings.properties as Record<
      string,
      { type?: string; properties?: Record<string, { type?: string }> }
    >;
    expect(properties['@timestamp'].type).toBe('date_nanos');
    expect(properties.geo.properties?.location.type).toBe('geo_point');
    expect(properties.body.type).toBe('text');
  });

  it('rejects a document that conflicts with the mapping, with the reason, and delivers the rest', async () => {
    const e = await exporter();
    const now = Date.now();
    await e.export('logs', [
      item(logs([log('first', [{ key: 'retries', value: { intValue: 3n } }], now)])) as ExportItem<'logs'>,
    ]);
    const result = await e.export('logs', [
      item(logs([log('ok', [{ key: 'retries', value: { intValue: 4n } }], now)]), undefined, 1n) as ExportItem<'logs'>,
      item(logs([log('bad', [str('retries', 'many')], now)]), undefined, 2n) as ExportItem<'logs'>,
    ]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].index).toBe(1);
    expect(result.rejected[0].reason).toMatch(
      /HTTP 400 (document_parsing_exception|mapper_parsing_exception).*retries/,
    );
    expect(await search(e, `${prefixOf(e)}-logs-*`, { match_all: {} })).toHaveLength(2);
  });

  it('retries only the items Elasticsearch answered 429, with backoff', async () => {
    // A proxy in front of the real cluster turns the first two item results of the first bulk into 429.
    const bulkSizes: number[] = [];
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const isBulk = req.url?.startsWith('/_bulk') ?? false;
        if (isBulk) bulkSizes.push(body.toString().trim().split('\n').length / 2);
        const target = new URL(req.url ?? '/', ES_URL);
        const headers = { ...req.headers, host: target.host };
        delete headers['accept-encoding'];
        const upstream = request(target, { method: req.method, headers }, (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            let payload = Buffer.concat(parts);
            if (isBulk && bulkSizes.length === 1) {
              const parsed = JSON.parse(payload.toString()) as {
                errors: boolean;
                items: { create: Record<string, unknown> }[];
              };
              for (const it of parsed.items.slice(0, 2))
                it.create = {
                  ...it.create,
                  status: 429,
                  error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
                };
              parsed.errors = true;
              payload = Buffer.from(JSON.stringify(parsed));
            }
            const outHeaders = { ...up.headers, 'content-length': String(payload.length) };
            delete outHeaders['transfer-encoding'];
            delete outHeaders['content-encoding'];
            res.writeHead(up.statusCode ?? 502, outHeaders);
            res.end(payload);
          });
        });
        upstream.on('error', () => res.destroy());
        upstream.end(body);
      });
    });
    servers.push(proxy);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const e = await exporter({ nodes: [`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`] });
    const now = Date.now();
    const result = await e.export('logs', [
      item(
        logs([log('a', [], now), log('b', [], now), log('c', [], now), log('d', [], now), log('e', [], now)]),
      ) as ExportItem<'logs'>,
    ]);
    expect(result.rejected).toEqual([]);
    expect(bulkSizes).toEqual([5, 2]);
    expect(await search(e, `${prefixOf(e)}-logs-*`, { match_all: {} })).toHaveLength(5);
  });

  it('throws a retryable error when the cluster is unreachable, so nothing is committed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = await exporter({ nodes: [`http://127.0.0.1:${port}`], maxAttempts: 2 });
    const error = await e
      .export('logs', [item(logs([log('x', [], Date.now())])) as ExportItem<'logs'>])
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OtelgateError);
    expect((error as OtelgateError).retryable).toBe(true);
  });

  it('retention deletes daily indices older than the configured days and keeps recent ones', async () => {
    const e = await exporter();
    const prefix = prefixOf(e);
    const old = Date.UTC(2020, 0, 1);
    await e.export('logs', [item(logs([log('old', [], old), log('new', [], Date.now())])) as ExportItem<'logs'>]);
    const config = elasticsearchExporterConfigSchema.parse({ nodes: [ES_URL], indexPrefix: prefix, retentionDays: 3 });
    const deleted = await deleteExpiredIndices(e.client, config, logger);
    expect(deleted).toEqual([`${prefix}-logs-default-2020.01.01`]);
    expect(await search(e, `${prefix}-logs-*`, { match_all: {} })).toHaveLength(1);
  });
});
