import { afterAll, describe, expect, it } from 'vitest';
import { testKafkaConfig } from '../kafka/kafka-test-config.ts';
import { uniqueName } from '../kafka/kafka-service.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { sharedElasticsearchUrl } from './elasticsearch-service.ts';
import { dataViewOf, fieldsOf, savedObjects } from './kibana-saved-objects.ts';
import { logsJson, metricsJson, tracesJson } from './otlp-json-samples.ts';
import { sharedPrometheusUrl } from './prometheus-service.ts';
import {
  EMBEDDED_LOG_ONLY,
  KAFKA_ONLY,
  ownerOf,
  requiredOtelgateNames,
  type Scrape,
  scrape,
  sourceFields,
} from './self-metrics-live.ts';

// Every otelgate_* metric the Grafana dashboards and the Prometheus rules read must be on a
// live gateway's /metrics, in both topologies, after traces, metrics and logs went through the
// default processors to the real Prometheus (remote write) and Elasticsearch exporters; with
// ingest and process apart, on the role that owns it. The same run checks the fields Kibana's
// saved objects name against the documents the exporter wrote. Names of other exporters
// (node, postgres, redis, kafka, elasticsearch exporters) are checked by their own tests.

const gateways: GatewayProcess[] = [];
const indexPrefix = uniqueName('selfmetrics').replaceAll('-', '');
const required = requiredOtelgateNames();

function pipelinesConfig(): Record<string, unknown> {
  return {
    processors: { spanmetrics: { intervalMs: 500 } },
    exporters: {
      prometheus: { endpoint: `${sharedPrometheusUrl()}/api/v1/write` },
      elasticsearch: { nodes: [sharedElasticsearchUrl()], indexPrefix, numberOfReplicas: 0, refreshInterval: '200ms' },
    },
    pipelines: {
      traces: { processors: ['geoip', 'redact', 'errors', 'spanmetrics'], exporters: ['elasticsearch'] },
      metrics: { exporters: ['prometheus'] },
      logs: { exporters: ['elasticsearch'] },
    },
  };
}

async function start(config: Record<string, unknown>): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess({ config });
  gateways.push(gateway);
  return gateway;
}

async function sendAll(httpUrl: string, service: string): Promise<void> {
  for (const [path, body] of [
    ['/v1/traces', tracesJson(service)],
    ['/v1/metrics', metricsJson(service)],
    ['/v1/logs', logsJson(service)],
  ]) {
    const response = await fetch(`${httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status, `${path}: ${await response.text()}`).toBe(200);
  }
}

interface Check {
  missing: string[];
  delivered: { elasticsearch: number; prometheus: number };
}

/** Which required names a topology lacks; `ingest` and `process` are the same gateway for `both`. */
function check(ingest: Scrape, process: Scrape, kafka: boolean): Check {
  const missing: string[] = [];
  for (const [name, where] of required) {
    if (kafka && EMBEDDED_LOG_ONLY.test(name)) continue;
    if (!kafka && KAFKA_ONLY.test(name)) continue;
    const owner = ownerOf(name);
    const found =
      owner === 'ingest'
        ? ingest.names.has(name)
        : owner === 'process'
          ? process.names.has(name)
          : ingest.names.has(name) || process.names.has(name);
    if (!found) missing.push(`${name} (${owner}; read by ${where[0]})`);
  }
  return {
    missing,
    delivered: {
      elasticsearch: process.sum('otelgate_exporter_sent_items_total', { exporter: 'elasticsearch' }),
      prometheus: process.sum('otelgate_exporter_sent_items_total', { exporter: 'prometheus' }),
    },
  };
}

/** Sends a round of data until every name is there and both exporters delivered, or the deadline passes. */
async function converge(ingest: GatewayProcess, process: GatewayProcess, kafka: boolean): Promise<Check> {
  const deadline = Date.now() + 45_000;
  let last: Check;
  for (let round = 0; ; round++) {
    if (round % 4 === 0) await sendAll(ingest.httpUrl, `selfmetrics-${kafka ? 'kafka' : 'embedded'}`);
    const ingestScrape = await scrape(ingest.adminUrl);
    last = check(ingestScrape, process === ingest ? ingestScrape : await scrape(process.adminUrl), kafka);
    const done = last.missing.length === 0 && last.delivered.elasticsearch > 0 && last.delivered.prometheus > 0;
    if (done || Date.now() > deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.kill('SIGTERM')));
  const es = sharedElasticsearchUrl();
  await fetch(`${es}/${indexPrefix}-*?expand_wildcards=all`, { method: 'DELETE' }).catch(() => undefined);
  await fetch(`${es}/_index_template/${indexPrefix}-*`, { method: 'DELETE' }).catch(() => undefined);
});

describe('the names dashboards and rules read are on a live gateway /metrics', () => {
  it('reads a non-trivial set of otelgate names, of both roles', () => {
    expect(required.size).toBeGreaterThan(20);
    const owners = new Set([...required.keys()].map(ownerOf));
    expect(owners).toEqual(new Set(['ingest', 'process', 'either']));
  });

  it('--role both on the embedded log: every name, after data reached Elasticsearch and Prometheus', async () => {
    const both = await start(pipelinesConfig());
    // Before any data: every counter the dashboards and rules read is already there at 0, except
    // the per-tenant series cap (a tenant's series starts when the tenant is first seen) and the
    // Kafka buffer's (this gateway runs the embedded log).
    const early = await scrape(both.adminUrl);
    const counters = [...required.keys()].filter(
      (name) => name.endsWith('_total') && !name.includes('series_capped') && !KAFKA_ONLY.test(name),
    );
    expect(counters.length).toBeGreaterThan(10);
    expect(counters.filter((name) => !early.names.has(name))).toEqual([]);
    expect(early.sum('otelgate_exporter_failed_items_total')).toBe(0);
    const result = await converge(both, both, false);
    expect(result.delivered.elasticsearch).toBeGreaterThan(0);
    expect(result.delivered.prometheus).toBeGreaterThan(0);
    expect(result.missing).toEqual([]);
  }, 90_000);

  it('--role ingest + --role process on Kafka: every name, each on the role that owns it', async () => {
    const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    expect(brokers.length, 'KAFKA_BROKERS is set by test/global-setup.ts').toBeGreaterThan(0);
    const kafka = testKafkaConfig(brokers);
    const worker = await start({ ...pipelinesConfig(), buffer: { kafka }, service: { role: 'process' } });
    const ingest = await start({ ...pipelinesConfig(), buffer: { kafka }, service: { role: 'ingest' } });
    const result = await converge(ingest, worker, true);
    expect(result.delivered.elasticsearch).toBeGreaterThan(0);
    expect(result.delivered.prometheus).toBeGreaterThan(0);
    expect(result.missing).toEqual([]);
    // OtelgateBufferNotWritable reads otelgate_kafka_writable: the ingest replica reports it at 1,
    // the worker (whose producer takes no appends) not at all, so the alert cannot fire on workers.
    expect((await scrape(ingest.adminUrl)).sum('otelgate_kafka_writable')).toBe(1);
    expect((await scrape(worker.adminUrl)).names.has('otelgate_kafka_writable')).toBe(false);
  }, 120_000);
});

describe('Kibana saved objects against the documents the Elasticsearch exporter wrote', () => {
  const views: Record<string, 'logs' | 'traces'> = { 'otelgate-logs': 'logs', 'otelgate-traces': 'traces' };

  // The alert history view (otelgate-alerts-*) is checked on real history documents by
  // test/deploy/alert-history.test.ts and against the template's mappings by kibana-mappings.test.ts.
  it('names only fields present in the exported log and span documents', async () => {
    const es = sharedElasticsearchUrl();
    const written: Record<'logs' | 'traces', Set<string>> = { logs: new Set(), traces: new Set() };
    for (const signal of ['logs', 'traces'] as const) {
      await fetch(`${es}/${indexPrefix}-${signal}-*/_refresh`, { method: 'POST' });
      const response = await fetch(`${es}/${indexPrefix}-${signal}-*/_search?size=100`);
      const hits = ((await response.json()) as { hits: { hits: { _source: unknown }[] } }).hits.hits;
      expect(hits.length, `${signal} documents from the runs above`).toBeGreaterThan(0);
      for (const hit of hits) sourceFields(hit._source, '', written[signal]);
    }
    const missing: string[] = [];
    for (const object of savedObjects()) {
      const view = object.type === 'index-pattern' ? object.id : dataViewOf(object);
      if (!view || !views[view]) continue;
      for (const field of fieldsOf(object)) {
        if (!written[views[view]].has(field)) missing.push(`${object.type}/${object.id}: ${field}`);
      }
    }
    expect(missing).toEqual([]);
  }, 30_000);
});
