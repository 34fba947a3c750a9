// Ingest plus workers into the exporters on the embedded log: one gateway in role `both`, default
// processors (geoip, redact, errors), file exporter. Load is driven from this process (the gateway
// is its own process), each request with fresh span ids so delivery can be checked span by span.
// Figures: spans/s, gateway CPU-seconds per million spans, ack p50/p99, end-to-end latency from ack
// to the span appearing in the file exporter's output (every 10th request), peak RSS, refused.
// Delivery oracle: exits non-zero if any acknowledged span is missing from the output at the end.
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startGatewayProcess } from '../../../test/support/gateway-process.ts';
import { makeSpans, spanIds, traceRequestProto } from '../../../test/support/otlp-payloads.ts';
import { cpuSeconds, peakRssBytes } from '../proc-sampler.ts';

const quick = process.argv.includes('--quick');
const REQUESTS = quick ? 1_000 : 6_000;
const SPANS_PER_REQUEST = 100;
const CONCURRENCY = 8;
const SAMPLE_EVERY = 10;
const DRAIN_TIMEOUT_MS = quick ? 30_000 : 120_000;

const bodies = Array.from({ length: REQUESTS }, () => {
  const spans = makeSpans(SPANS_PER_REQUEST, 'bench-pipeline');
  return { body: traceRequestProto(spans), ids: spanIds(spans) };
});

const gateway = await startGatewayProcess({
  config: {
    service: { role: 'both' },
    log: { level: 'warn' },
    exporters: { file: { rotation: { maxMegabytes: 0 } } },
  },
  env: { LOG_LEVEL: 'warn' },
  bundled: true,
});
const pid = gateway.child.pid!;
const outPath = join(gateway.dir, 'out.ndjson');

// Tails the file exporter's output and records when each span id first shows up.
const seen = new Map<string, number>();
let offset = 0;
let carry = '';
const SPAN_ID = /"spanId":"([0-9a-f]{16})"/g;
function pollOutput(): void {
  let size: number;
  try {
    size = statSync(outPath).size;
  } catch {
    return;
  }
  if (size <= offset) return;
  const fd = openSync(outPath, 'r');
  const buffer = Buffer.alloc(size - offset);
  const read = readSync(fd, buffer, 0, buffer.length, offset);
  closeSync(fd);
  offset += read;
  const text = carry + buffer.toString('utf8', 0, read);
  const lastNewline = text.lastIndexOf('\n');
  carry = text.slice(lastNewline + 1);
  const now = performance.now();
  for (const match of text.slice(0, lastNewline + 1).matchAll(SPAN_ID))
    if (!seen.has(match[1])) seen.set(match[1], now);
}
const poller = setInterval(pollOutput, 20);

const dispatcher = new Agent({ connections: CONCURRENCY, pipelining: 1 });
const ackLatencies: number[] = [];
const sampled: { ids: string[]; ackedAt: number }[] = [];
const acked: string[][] = [];
let refused = 0;
let failed = 0;
let next = 0;

async function worker(): Promise<void> {
  while (next < REQUESTS) {
    const index = next++;
    const begin = performance.now();
    try {
      const response = await request(`${gateway.httpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: bodies[index].body,
        dispatcher,
      });
      await response.body.dump();
      const ackedAt = performance.now();
      if (response.statusCode === 200) {
        ackLatencies.push(ackedAt - begin);
        acked.push(bodies[index].ids);
        if (index % SAMPLE_EVERY === 0) sampled.push({ ids: bodies[index].ids, ackedAt });
      } else if (response.statusCode === 429 || response.statusCode === 503) refused++;
      else failed++;
    } catch {
      failed++;
    }
  }
}

let exitCode = 0;
try {
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ingestSeconds = (performance.now() - started) / 1000;
  const ackedSpans = acked.length * SPANS_PER_REQUEST;

  // Drain: wait until every acknowledged span is in the output (or give up).
  const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
  const allIds = acked.flat();
  let missing = allIds.length;
  while (performance.now() < drainDeadline) {
    pollOutput();
    missing = allIds.filter((id) => !seen.has(id)).length;
    if (missing === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let lastSeen = started;
  for (const at of seen.values()) if (at > lastSeen) lastSeen = at;
  const endToEndSeconds = (lastSeen - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;

  const e2e: number[] = [];
  for (const sample of sampled) {
    const last = Math.max(...sample.ids.map((id) => seen.get(id) ?? Number.POSITIVE_INFINITY));
    if (Number.isFinite(last)) e2e.push(last - sample.ackedAt);
  }
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  };
  if (missing > 0) {
    process.stderr.write(
      `delivery oracle: ${missing} of ${allIds.length} acknowledged spans missing from the output\n`,
    );
    exitCode = 1;
  }
  const row = {
    case: `http protobuf, ${SPANS_PER_REQUEST} spans/request, role both, file exporter`,
    figures: {
      spans_acked: ackedSpans,
      ingest_spans_per_s: Math.round(ackedSpans / ingestSeconds),
      delivered_spans_per_s: Math.round((allIds.length - missing) / endToEndSeconds),
      cpu_s_per_million_spans: Number(((cpu / ackedSpans) * 1e6).toFixed(2)),
      ack_p50_ms: Number(quantile(ackLatencies, 0.5).toFixed(2)),
      ack_p99_ms: Number(quantile(ackLatencies, 0.99).toFixed(2)),
      e2e_p50_ms: Number(quantile(e2e, 0.5).toFixed(1)),
      e2e_p99_ms: Number(quantile(e2e, 0.99).toFixed(1)),
      peak_rss_mib: Number((peakRssBytes(pid) / 2 ** 20).toFixed(1)),
      refused,
      failed,
      missing,
    },
  };
  process.stdout.write(`${JSON.stringify({ scenario: 'pipeline (ingest + workers, embedded log)', rows: [row] })}\n`);
} finally {
  clearInterval(poller);
  await dispatcher.close();
  await gateway.kill('SIGTERM');
  spawnSync('rm', ['-rf', gateway.dir]);
}
process.exitCode = exitCode;
