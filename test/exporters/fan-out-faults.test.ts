// Fan-out under faults, end to end: OTLP load into the real gateway (embedded log, ingest and
// process in one process) while Elasticsearch goes away and comes back, Prometheus is stopped
// and restarted, and the gateway itself is SIGKILLed and restarted on its data directory. The
// delivery oracle afterwards: every acknowledged span and log record is in Elasticsearch exactly
// once (deterministic _id, `create`), and every acknowledged metric sample is in Prometheus.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { TracesData } from '@otelgate/pipelines/model/traces.ts';
import { encodeLogs, encodeMetrics, encodeTraces } from '@otelgate/pipelines/otlp/encode.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumCounter } from '../../loadtest/collector/accepted-spans.ts';
import { instantQuery } from '../deploy/prometheus-service.ts';
import { ClosableProxy } from '../support/closable-proxy.ts';
import { eventuallyAsync } from '../support/file-output.ts';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { metric, metricsData, nanos, str } from './metrics-fixtures.ts';

const run = promisify(execFile);
const prometheusScript = new URL('../services/prometheus', import.meta.url).pathname;
const ES_URL = process.env.ES_URL ?? 'http://127.0.0.1:19200';
const SPANS_PER_REQUEST = 20;
const LOGS_PER_REQUEST = 10;
const OUTAGE_MS = 5_000;

const service = `faults-${randomUUID().slice(0, 8)}`;
const prefix = `flt${randomUUID().slice(0, 8)}`;
const promState = `/tmp/otelgate-faults-${randomUUID().slice(0, 8)}`;
const promEnv = { ...process.env, PROMETHEUS_STATE_ROOT: promState };
let promPort = 0;
let promUrl = '';
let esProxy: ClosableProxy;
let gateway: GatewayProcess;
let gatewayOptions: Parameters<typeof startGatewayProcess>[0];

const prometheus = (command: 'start' | 'stop' | 'reset') =>
  run('bash', [prometheusScript, command, '--port', String(promPort)], { env: promEnv, timeout: 120_000 });

beforeAll(async () => {
  promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  await prometheus('start');
  esProxy = await ClosableProxy.start(ES_URL);
  const fast = { maxAttempts: 2, initialBackoffMs: 50, maxBackoffMs: 500 };
  gatewayOptions = {
    ports: { http: await freePort(), grpc: await freePort(), admin: await freePort() },
    config: {
      buffer: { embedded: { consumer: { retryInitialMs: 50, retryMaxMs: 1_000 } } },
      exporters: {
        elasticsearch: {
          nodes: [esProxy.url],
          indexPrefix: prefix,
          numberOfReplicas: 0,
          retentionDays: 0,
          requestTimeoutMs: 5_000,
          ...fast,
        },
        prometheus: { endpoint: `${promUrl}/api/v1/write`, timeoutMs: 2_000, ...fast },
      },
      pipelines: {
        traces: { processors: [], exporters: ['elasticsearch'] },
        logs: { processors: [], exporters: ['elasticsearch'] },
        metrics: { exporters: ['prometheus'] },
      },
    },
  };
  gateway = await startGatewayProcess(gatewayOptions);
  gatewayOptions.dir = gateway.dir;
});

afterAll(async () => {
  await gateway?.kill('SIGKILL');
  await esProxy?.close();
  await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
  await prometheus('reset').catch(() => {});
  await rm(promState, { recursive: true, force: true });
});

/** Sends traces, logs and metrics in a loop and remembers what the gateway acknowledged. */
class FaultLoad {
  readonly ackedSpans = new Set<string>();
  readonly sentSpans = new Set<string>();
  readonly ackedLogs = new Set<string>();
  readonly ackedSeries = new Set<string>();
  refused = 0;
  private seq = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await Promise.all([this.sendTraces(), this.sendLogs(), this.sendMetrics()]);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async post(path: string, body: Uint8Array): Promise<boolean> {
    try {
      const response = await fetch(`${gateway.httpUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      if (response.status !== 200) this.refused++;
      return response.status === 200;
    } catch {
      return false; // the gateway is down (killed); the request was not acknowledged
    }
  }

  private async sendTraces(): Promise<void> {
    const now = nanos(Date.now());
    const traceId = randomBytes(16).toString('hex');
    const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
      traceId,
      spanId: randomBytes(8).toString('hex'),
      traceState: '',
      parentSpanId: '',
      flags: 1,
      name: `GET /items/${i}`,
      kind: 2,
      startTimeUnixNano: now,
      endTimeUnixNano: now + 1_000_000n,
      attributes: [str('http.request.method', 'GET')],
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { message: '', code: 0 },
    }));
    const data: TracesData = {
      resourceSpans: [{ resource: resource(), schemaUrl: '', scopeSpans: [{ scope: scope(), schemaUrl: '', spans }] }],
    };
    const ids = spans.map((s) => `${s.traceId}${s.spanId}`);
    for (const id of ids) this.sentSpans.add(id);
    if (await this.post('/v1/traces', encodeTraces(data))) for (const id of ids) this.ackedSpans.add(id);
  }

  private async sendLogs(): Promise<void> {
    const now = nanos(Date.now());
    const request = this.seq++;
    const seqs = Array.from({ length: LOGS_PER_REQUEST }, (_, i) => `${request}-${i}`);
    const data: LogsData = {
      resourceLogs: [
        {
          resource: resource(),
          schemaUrl: '',
          scopeLogs: [
            {
              scope: scope(),
              schemaUrl: '',
              logRecords: seqs.map((seq) => ({
                timeUnixNano: now,
                observedTimeUnixNano: now,
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: `probe line ${seq}` },
                attributes: [str('probe.seq', seq)],
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
    if (await this.post('/v1/logs', encodeLogs(data))) for (const seq of seqs) this.ackedLogs.add(seq);
  }

  private async sendMetrics(): Promise<void> {
    const seq = String(this.seq++);
    const data = metricsData(resource().attributes, [
      metric('fault.probe', '', {
        gauge: {
          dataPoints: [
            {
              attributes: [str('seq', seq)],
              startTimeUnixNano: 0n,
              timeUnixNano: nanos(Date.now()),
              asInt: 1n,
              exemplars: [],
              flags: 0,
            },
          ],
        },
      }),
    ]);
    if (await this.post('/v1/metrics', encodeMetrics(data))) this.ackedSeries.add(seq);
  }
}

function resource(): { attributes: KeyValue[]; droppedAttributesCount: number } {
  return { attributes: [str('service.name', service)], droppedAttributesCount: 0 };
}

function scope() {
  return { name: 'fault-load', version: '1', attributes: [], droppedAttributesCount: 0 };
}

/** Waits until the acknowledged counts have grown by `requests` more requests' worth. */
async function acknowledgedMore(load: FaultLoad, requests: number): Promise<void> {
  const target = load.ackedSpans.size + requests * SPANS_PER_REQUEST;
  await eventuallyAsync(async () => (load.ackedSpans.size >= target ? true : undefined), 60_000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function esSearch(index: string, body: unknown): Promise<{ total: number }> {
  const response = await fetch(`${ES_URL}/${prefix}-${index}-*/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) return { total: 0 };
  const result = (await response.json()) as { hits: { total: { value: number } } };
  return { total: result.hits.total.value };
}

/** How many documents of `index` match `query(chunk)`, asked 1,000 values at a time. */
async function documentsFound(index: string, values: string[], query: (chunk: string[]) => unknown): Promise<number> {
  let found = 0;
  for (let i = 0; i < values.length; i += 1_000) {
    const chunk = values.slice(i, i + 1_000);
    found += (await esSearch(index, { size: 0, track_total_hits: true, query: query(chunk) })).total;
  }
  return found;
}

const spansFound = (ids: string[]) => documentsFound('traces', ids, (chunk) => ({ ids: { values: chunk } }));
const logsFound = (seqs: string[]) =>
  documentsFound('logs', seqs, (chunk) => ({ terms: { 'attributes.probe.seq': chunk } }));

/** Items `exporter` could not confirm so far (retryable), from the gateway's own /metrics. */
function failedItems(exporter: string): Promise<number> {
  return sumCounter(`${gateway.adminUrl}/metrics`, 'otelgate_exporter_failed_items', { exporter });
}

/** Values of `field` held by more than one document (one shard, so the terms aggregation is exact). */
async function duplicated(index: string, field: string): Promise<string[]> {
  const response = await fetch(`${ES_URL}/${prefix}-${index}-*/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 0, aggs: { dup: { terms: { field, min_doc_count: 2, size: 10 } } } }),
  });
  const result = (await response.json()) as { aggregations: { dup: { buckets: { key: string }[] } } };
  return result.aggregations.dup.buckets.map((b) => b.key);
}

async function seriesFound(): Promise<Set<string>> {
  const result = await instantQuery(promUrl, `group by (seq) (last_over_time(fault_probe{job="${service}"}[30m]))`);
  const rows = (result.data?.result ?? []) as { metric: { seq: string } }[];
  return new Set(rows.map((row) => row.metric.seq));
}

describe('fan-out under faults (real Elasticsearch, real Prometheus, the real gateway process)', () => {
  it('delivers every acknowledged span, log record and sample through an ES outage, a Prometheus restart and a SIGKILL', async () => {
    const load = new FaultLoad();
    load.start();
    try {
      await acknowledgedMore(load, 10);

      // Elasticsearch unreachable: ingest keeps acknowledging (the log holds it), nothing is committed.
      await esProxy.close();
      const beforeEsOutage = load.ackedSpans.size;
      await sleep(OUTAGE_MS);
      expect(load.ackedSpans.size).toBeGreaterThan(beforeEsOutage);
      await esProxy.open();
      await acknowledgedMore(load, 5);
      expect(await failedItems('elasticsearch')).toBeGreaterThan(0);

      // Prometheus stopped and started again on its data.
      await prometheus('stop');
      await sleep(OUTAGE_MS);
      await prometheus('start');
      await acknowledgedMore(load, 5);
      expect(await failedItems('prometheus')).toBeGreaterThan(0);

      // The gateway killed mid-load, restarted on the same data directory and ports.
      await gateway.kill('SIGKILL');
      gateway = await startGatewayProcess(gatewayOptions);
      await acknowledgedMore(load, 10);
    } finally {
      await load.stop();
    }
    expect(load.refused).toBe(0);

    const spanIds = [...load.ackedSpans];
    const logSeqs = [...load.ackedLogs];
    await eventuallyAsync(async () => {
      await fetch(`${ES_URL}/${prefix}-*/_refresh`, { method: 'POST' });
      return (await spansFound(spanIds)) === spanIds.length && (await logsFound(logSeqs)) === logSeqs.length
        ? true
        : undefined;
    }, 120_000);
    // Exactly once: a replay after the kill hits the same _id, so no value appears on two documents.
    expect(await duplicated('traces', 'span.id')).toEqual([]);
    expect(await duplicated('logs', 'attributes.probe.seq')).toEqual([]);
    const allSpans = await esSearch('traces', { size: 0, track_total_hits: true, query: { match_all: {} } });
    expect(allSpans.total).toBeLessThanOrEqual(load.sentSpans.size);

    const series = await eventuallyAsync(async () => {
      const found = await seriesFound();
      return [...load.ackedSeries].every((seq) => found.has(seq)) ? found : undefined;
    }, 120_000);
    expect(series.size).toBeGreaterThanOrEqual(load.ackedSeries.size);
  });
});
