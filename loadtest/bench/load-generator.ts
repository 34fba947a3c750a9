// Drives OTLP load from its own process so the figures measure the gateway, not the client.
// Usage: node load-generator.ts '<json options>'  -> prints one JSON summary line.
import * as grpc from '@grpc/grpc-js';
import { Agent, request } from 'undici';
import { makeSpans, traceRequestProto } from '../../test/support/otlp-payloads.ts';

interface Options {
  transport: 'http' | 'grpc';
  target: string; // http://host:port or host:port
  spansPerRequest: number;
  concurrency: number;
  durationSeconds: number;
  /** Requests per second across all workers; 0 = as fast as acknowledgements allow. */
  ratePerSecond: number;
}

const options = JSON.parse(process.argv[2]) as Options;
const bodies = Array.from({ length: 8 }, () => traceRequestProto(makeSpans(options.spansPerRequest, 'bench')));
const latencies: number[] = [];
let ok = 0;
let refused = 0;
let failed = 0;

function sendHttp(): (body: Buffer) => Promise<number> {
  const dispatcher = new Agent({ connections: options.concurrency, pipelining: 1 });
  return async (body) => {
    const response = await request(`${options.target}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
      dispatcher,
    });
    await response.body.dump();
    return response.statusCode;
  };
}

function sendGrpc(): (body: Buffer) => Promise<number> {
  const client = new grpc.Client(options.target, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  return (body) =>
    new Promise((resolve) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        (error) =>
          resolve(
            error
              ? error.code === grpc.status.RESOURCE_EXHAUSTED || error.code === grpc.status.UNAVAILABLE
                ? 429
                : 500
              : 200,
          ),
      );
    });
}

const send = options.transport === 'grpc' ? sendGrpc() : sendHttp();
const started = performance.now();
const deadline = started + options.durationSeconds * 1000;
const interval = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
let nextSlot = started;

async function worker(index: number): Promise<void> {
  let sequence = index;
  while (performance.now() < deadline) {
    if (interval > 0) {
      const slot = nextSlot;
      nextSlot += interval;
      const wait = slot - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= deadline) break;
    }
    const begin = performance.now();
    try {
      const status = await send(bodies[sequence++ % bodies.length]);
      if (status === 200) {
        ok++;
        latencies.push(performance.now() - begin);
      } else if (status === 429 || status === 503) refused++;
      else failed++;
    } catch {
      failed++;
    }
  }
}

await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({
    requests: ok,
    refused,
    failed,
    spans: ok * options.spansPerRequest,
    elapsedSeconds: elapsed,
    spansPerSecond: (ok * options.spansPerRequest) / elapsed,
    ackP50Ms: quantile(0.5),
    ackP99Ms: quantile(0.99),
  })}\n`,
);
process.exit(0);
