// End-to-end latency from OTLP accepted (HTTP 200 from the gateway) to searchable in
// Elasticsearch (`_search` by the span's document id finds it), through the real gateway
// (embedded log, process loop, elasticsearch exporter with refreshInterval 1s), at a fixed
// request rate. Needs the Elasticsearch of test/services/elasticsearch (started here when absent).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { makeSpans, traceRequestProto } from '../../../test/support/otlp-payloads.ts';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 4 : 20;
const REQUESTS_PER_SECOND = Number(process.env.BENCH_RPS ?? 20);
const SPANS_PER_REQUEST = 50;

const script = fileURLToPath(new URL('../../../test/services/elasticsearch', import.meta.url));
const esUrl = /ES_URL=(\S+)/.exec(
  execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
)?.[1];
if (!esUrl) throw new Error('elasticsearch did not start');
const prefix = `bench${randomUUID().slice(0, 8)}`;
const gateway = await startGatewayProcess({
  config: {
    log: { level: 'warn' },
    exporters: {
      elasticsearch: {
        nodes: [esUrl],
        indexPrefix: prefix,
        numberOfReplicas: 0,
        retentionDays: 0,
        refreshInterval: process.env.BENCH_REFRESH ?? '1s',
      },
    },
    pipelines: { traces: { processors: [], exporters: ['elasticsearch'] } },
  },
  env: { LOG_LEVEL: 'warn' },
});

async function searchable(id: string): Promise<boolean> {
  const r = await fetch(`${esUrl}/${prefix}-traces-*/_search?size=0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { ids: { values: [id] } } }),
  });
  if (!r.ok) return false;
  const body = (await r.json()) as { hits: { total: { value: number } } };
  return body.hits.total.value > 0;
}

const latencies: number[] = [];
let failed = 0;
const pending: Promise<void>[] = [];
const payloads = Array.from({ length: 20 }, () => makeSpans(SPANS_PER_REQUEST, 'latency-bench'));
const start = performance.now();
for (let i = 0; i < SECONDS * REQUESTS_PER_SECOND; i++) {
  const due = start + (i * 1000) / REQUESTS_PER_SECOND;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  // Fresh ids each time: re-serialize the SDK spans with a new trace id is not possible, so
  // each request uses new spans (generated up front in small pools and cycled would collide).
  const spans = i < payloads.length ? payloads[i] : makeSpans(SPANS_PER_REQUEST, 'latency-bench');
  const last = spans[spans.length - 1].spanContext();
  const id = `${last.traceId}${last.spanId}`;
  pending.push(
    (async () => {
      const response = await fetch(`${gateway.httpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array(traceRequestProto(spans)),
      });
      if (response.status !== 200) {
        failed++;
        return;
      }
      const accepted = performance.now();
      const deadline = accepted + 30_000;
      while (performance.now() < deadline) {
        if (await searchable(id)) {
          latencies.push(performance.now() - accepted);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      failed++;
    })(),
  );
}
await Promise.all(pending);
await gateway.kill('SIGTERM');
await fetch(`${esUrl}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});

latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN).toFixed(0));
console.log(
  JSON.stringify({
    scenario: 'exporters-latency',
    rows: [
      {
        case: `OTLP accepted -> searchable in Elasticsearch, ${REQUESTS_PER_SECOND * SPANS_PER_REQUEST} spans/s`,
        figures: { p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1), requests: latencies.length, failed },
      },
    ],
  }),
);
