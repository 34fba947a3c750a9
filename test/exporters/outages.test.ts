import { createNoopMeter } from '@opentelemetry/api';
// Destinations going away and coming back: the exporters throw retryable errors while they
// are down (the process loop keeps the batch uncommitted) and deliver the same batch after.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ExportItem } from '@otelgate/pipelines/components/component.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import { elasticsearchExporterConfigSchema } from '@otelgate/pipelines/exporters/elasticsearch/config.ts';
import type { ElasticsearchExporter } from '@otelgate/pipelines/exporters/elasticsearch/elasticsearch-exporter.ts';
import { elasticsearchExporterFactory } from '@otelgate/pipelines/exporters/elasticsearch/factory.ts';
import { prometheusExporterConfigSchema } from '@otelgate/pipelines/exporters/prometheus/config.ts';
import { prometheusExporterFactory } from '@otelgate/pipelines/exporters/prometheus/factory.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ClosableProxy } from '../support/closable-proxy.ts';
import { freePort } from '../support/free-port.ts';
import { metric, metricsData, nanos, str } from './metrics-fixtures.ts';

const run = promisify(execFile);
const script = new URL('../services/prometheus', import.meta.url).pathname;
const ES_URL = process.env.ES_URL ?? 'http://127.0.0.1:19200';
const context = {
  id: 'x',
  dataDir: '/tmp',
  meter: createNoopMeter(),
  logger: pino({ level: 'silent' }),
  emit: () => {},
};
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {});
});

async function retryable(promise: Promise<unknown>): Promise<boolean> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof OtelgateError && error.retryable;
}

describe('destination outages', () => {
  it('prometheus stopped: export throws retryable; after a restart the same batch is delivered', async () => {
    // A private Prometheus (the shared one serves other suites).
    const port = await freePort();
    const stateRoot = `/tmp/otelgate-outage-${randomUUID().slice(0, 8)}`;
    const env = { ...process.env, PROMETHEUS_STATE_ROOT: stateRoot };
    await run('bash', [script, 'start', '--port', String(port)], { env });
    cleanups.push(async () => {
      await run('bash', [script, 'reset', '--port', String(port)], { env });
      await rm(stateRoot, { recursive: true, force: true });
    });
    const exporter = await prometheusExporterFactory.create(
      prometheusExporterConfigSchema.parse({
        endpoint: `http://127.0.0.1:${port}/api/v1/write`,
        maxAttempts: 2,
        initialBackoffMs: 10,
      }),
      context,
    );
    const t = Date.now() - 5_000;
    const data = metricsData(
      [str('service.name', 'outage')],
      [
        metric('up.again', '', {
          gauge: {
            dataPoints: [
              { attributes: [], startTimeUnixNano: 0n, timeUnixNano: nanos(t), asInt: 1n, exemplars: [], flags: 0 },
            ],
          },
        }),
      ],
    );
    const items = [{ data, ctx: { tenant: undefined, peerAddress: undefined }, source: { partition: 0, offset: 0n } }];

    await run('bash', [script, 'stop', '--port', String(port)], { env });
    expect(await retryable(exporter.export('metrics', items))).toBe(true);

    await run('bash', [script, 'start', '--port', String(port)], { env });
    expect((await exporter.export('metrics', items)).rejected).toEqual([]);
    const body = (await (
      await fetch(`http://127.0.0.1:${port}/api/v1/query?query=up_again&time=${t / 1000}`)
    ).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    expect(body.data.result[0].value[1]).toBe('1');
  });

  it('elasticsearch unreachable: export throws retryable; once reachable again the batch is delivered once', async () => {
    // The exporter talks to the real cluster through a port we can close and reopen.
    const proxy = await ClosableProxy.start(ES_URL, { closed: true });
    const prefix = `out${randomUUID().slice(0, 8)}`;
    const exporter = (await elasticsearchExporterFactory.create(
      elasticsearchExporterConfigSchema.parse({
        nodes: [proxy.url],
        indexPrefix: prefix,
        numberOfReplicas: 0,
        retentionDays: 0,
        maxAttempts: 2,
        initialBackoffMs: 10,
      }),
      context,
    )) as ElasticsearchExporter;
    cleanups.push(async () => {
      await proxy.close();
      await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' });
      await exporter.shutdown();
    });
    // Down from the start: start() must not fail, templates come later.
    await exporter.start();
    const now = Date.now();
    const data: LogsData = {
      resourceLogs: [
        {
          resource: { attributes: [str('service.name', 'outage')], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: [1, 2, 3].map((i) => ({
                timeUnixNano: nanos(now) + BigInt(i),
                observedTimeUnixNano: nanos(now),
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: `line ${i}` },
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              })),
            },
          ],
        },
      ],
    };
    const items = [
      { data, ctx: { tenant: undefined, peerAddress: undefined }, source: { partition: 0, offset: 0n } },
    ] as ExportItem<'logs'>[];
    expect(await retryable(exporter.export('logs', items))).toBe(true);

    await proxy.open();
    expect((await exporter.export('logs', items)).rejected).toEqual([]);
    expect((await exporter.export('logs', items)).rejected).toEqual([]);
    await fetch(`${ES_URL}/${prefix}-*/_refresh`, { method: 'POST' });
    const count = (await (await fetch(`${ES_URL}/${prefix}-logs-*/_count`)).json()) as { count: number };
    expect(count.count).toBe(3);
    const template = await fetch(`${ES_URL}/_index_template/${prefix}-logs`);
    expect(template.status).toBe(200);
  });
});
