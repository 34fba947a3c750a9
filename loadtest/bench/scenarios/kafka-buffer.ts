// The Kafka buffer against the real broker (test/services/kafka): ingest through the
// BufferProducer (acks=all, idempotent, lz4) with ~100-span trace requests of ~50 KB, as one
// message per request and split per trace id (how ingest keys spans); then a worker's
// consume-plus-decode throughput through the BufferConsumer. CPU figures are this process's
// (client side only; the broker runs in its own JVM).
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import type { BufferEntry } from '@otelgate/pipelines/buffer/buffer.ts';
import { decodeTraces } from '@otelgate/pipelines/otlp/decode.ts';
import { sdkTraceRequest } from '@otelgate/pipelines/otlp/fixtures/sdk-requests.ts';
import { groupTracesByPartition, groupTracesByTraceId } from '@otelgate/pipelines/otlp/slice.ts';
import pino from 'pino';
import { startKafka, uniqueName } from '../../../test/kafka/kafka-service.ts';

const quick = process.argv.includes('--quick');
const seconds = quick ? 3 : 15;
const SPANS_PER_REQUEST = 100;
const logger = pino({ level: 'warn' });
const brokers = (await startKafka()).split(',');

const request = sdkTraceRequest(SPANS_PER_REQUEST, 14).protobuf;
const headers = { 'otelgate-tenant': 'bench', 'content-type': 'application/x-protobuf' };

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

interface LoadResult {
  requests: number;
  seconds: number;
  cpu: number;
  latencies: number[];
}

/** Appends from `concurrency` lanes for `duration` s; `ratePerSecond` > 0 paces the lanes. */
async function drive(
  append: () => Promise<void>,
  duration: number,
  concurrency: number,
  ratePerSecond = 0,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const cpuBefore = cpuSeconds();
  const end = started + duration * 1000;
  let issued = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      if (ratePerSecond > 0) {
        const due = started + (issued++ / ratePerSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const t = performance.now();
      await append();
      latencies.push(performance.now() - t);
    }
  });
  await Promise.all(lanes);
  return {
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    cpu: cpuSeconds() - cpuBefore,
    latencies: latencies.sort((a, b) => a - b),
  };
}

const rows = [];
const cases: { name: string; entries: (partitionOf?: (key: Uint8Array) => number) => BufferEntry[] }[] = [
  {
    name: 'one message per request',
    entries: () => [{ key: request.subarray(0, 16), value: request, headers }],
  },
  {
    name: 'split per trace id',
    entries: () => groupTracesByTraceId(request).map((g) => ({ key: g.key, value: g.bytes, headers })),
  },
  {
    // What ingest does once the topic's partitions are known (gateway/src/ingest/ingest-service.ts).
    name: 'split per partition of the trace ids',
    entries: (partitionOf) =>
      groupTracesByPartition(request, partitionOf!).map((g) => ({ key: g.key, value: g.bytes, headers })),
  },
];
for (const { name, entries } of cases) {
  const id = uniqueName('bench-kafka');
  const buffer = openKafkaBuffer(
    {
      brokers,
      topics: { traces: `${id}-spans`, metrics: `${id}-metrics`, logs: `${id}-logs` },
      deadLetterTopic: `${id}-dlq`,
      autoCreateTopics: { enabled: true, partitions: 6, replicationFactor: 1 },
    },
    { logger },
  );
  await buffer.producer.start();
  const partitionOf = buffer.producer.partitionerFor?.('traces');
  const append = () => buffer.producer.append('traces', entries(partitionOf));
  await drive(append, 1, 8); // warm-up: JIT, connections, producer id
  const max = await drive(append, seconds, 16);
  const maxRate = max.requests / max.seconds;
  const half = await drive(append, seconds, 16, maxRate / 2);
  const spans = max.requests * SPANS_PER_REQUEST;
  const row: Record<string, number> = {
    requests_per_s: Math.round(maxRate),
    spans_per_s: Math.round(spans / max.seconds),
    mib_per_s: Number(((max.requests * request.length) / 2 ** 20 / max.seconds).toFixed(1)),
    cpu_s_per_million_spans: Number(((max.cpu / spans) * 1e6).toFixed(2)),
    append_p50_ms_at_max: Number(percentile(max.latencies, 0.5).toFixed(1)),
    append_p99_ms_at_max: Number(percentile(max.latencies, 0.99).toFixed(1)),
    append_p50_ms_at_half_rate: Number(percentile(half.latencies, 0.5).toFixed(1)),
    append_p99_ms_at_half_rate: Number(percentile(half.latencies, 0.99).toFixed(1)),
  };
  rows.push({
    case: `ingest: ${SPANS_PER_REQUEST}-span requests (${(request.length / 1024).toFixed(0)} KB), ${name}`,
    figures: row,
  });

  if (name === 'one message per request') {
    // Worker side: read back what was just written, decoding every record.
    const written = max.requests + half.requests;
    const consumer = buffer.consumer();
    const abort = new AbortController();
    let decodedSpans = 0;
    let started = 0;
    let cpuBefore = 0;
    await consumer.run(async (batch) => {
      if (started === 0) {
        started = performance.now();
        cpuBefore = cpuSeconds();
      }
      for (const record of batch.records) {
        for (const rs of decodeTraces(record.value).resourceSpans) {
          for (const ss of rs.scopeSpans) decodedSpans += ss.spans.length;
        }
      }
      // Count spans, not records: the producer merges concurrent appends to one partition.
      if (decodedSpans >= written * SPANS_PER_REQUEST) abort.abort();
    }, abort.signal);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSeconds() - cpuBefore;
    await consumer.close();
    rows.push({
      case: 'worker: consume + decode (1 consumer)',
      figures: {
        spans_per_s: Math.round(decodedSpans / elapsed),
        spans_per_cpu_s: Math.round(decodedSpans / cpu),
        cpu_s_per_million_spans: Number(((cpu / decodedSpans) * 1e6).toFixed(2)),
      },
    });
  }
  await buffer.close();
}
process.stdout.write(`${JSON.stringify({ scenario: 'kafka buffer', rows })}\n`);
