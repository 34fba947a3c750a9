// The OTLP codec on one core, in process: scan (ingest's hot path), full decode (workers),
// encode, OTLP/JSON parse and transcode, JSON write. Requests come from the OpenTelemetry JS SDK's
// serializer: 100 and 512 spans with ~20 attributes, events, links and statuses.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { sdkSpans, sdkTraceRequest } from '../../../pipelines/src/otlp/fixtures/sdk-requests.ts';
import {
  decodeTraces,
  encodeTraces,
  jsonToProto,
  parseOtlpJson,
  scanExportRequest,
  toOtlpJson,
} from '../../../pipelines/src/otlp/index.ts';

const quick = process.argv.includes('--quick');
const secondsPerCase = quick ? 0.6 : 3;

let sink = 0;

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/**
 * Runs `fn` repeatedly for about `seconds` of this process's CPU time after a warm-up; returns
 * runs per CPU-second: a per-core figure that holds up on a shared machine better than wall time.
 */
function measure(fn: () => unknown, seconds: number): number {
  const warmUntil = cpuSeconds() + Math.min(0.3, seconds * 0.3);
  while (cpuSeconds() < warmUntil) fn();
  let runs = 0;
  const started = cpuSeconds();
  let now = started;
  while (now < started + seconds) {
    for (let i = 0; i < 10; i++) {
      const out = fn();
      sink += out ? 1 : 0;
    }
    runs += 10;
    now = cpuSeconds();
  }
  return runs / (now - started);
}

const rows = [];
for (const spans of [100, 512]) {
  const request = sdkTraceRequest(spans, 20);
  const sdkSpanList = sdkSpans(spans, 20);
  const data = decodeTraces(request.protobuf);
  const ourJson = toOtlpJson('traces', data);
  const numericJson = new TextEncoder().encode(
    new TextDecoder().decode(request.json).replace(/"(\w+UnixNano)":"(\d+)"/g, '"$1":$2'),
  );
  const cases: [string, () => unknown, number][] = [
    ['scan', () => scanExportRequest('traces', request.protobuf), request.protobuf.length],
    ['decode', () => decodeTraces(request.protobuf), request.protobuf.length],
    ['encode', () => encodeTraces(data), request.protobuf.length],
    ['JSON parse', () => parseOtlpJson('traces', request.json), request.json.length],
    ['JSON to protobuf', () => jsonToProto('traces', request.json), request.json.length],
    // 64-bit times written as JSON numbers: exact only through the slower exact reader (json-exact.ts).
    ['JSON to protobuf, int64 as numbers', () => jsonToProto('traces', numericJson), numericJson.length],
    ['JSON write', () => toOtlpJson('traces', data), ourJson.length],
    // Reference: the SDK's own hand-written protobuf serializer, from its ReadableSpans.
    ['SDK serialize (reference)', () => ProtobufTraceSerializer.serializeRequest(sdkSpanList), request.protobuf.length],
  ];
  for (const [name, fn, bytes] of cases) {
    const perSecond = measure(fn, secondsPerCase);
    rows.push({
      case: `${name}, ${spans} spans (${(bytes / 1024).toFixed(0)} KiB)`,
      figures: {
        spans_per_cpu_s: Math.round(perSecond * spans),
        MB_per_cpu_s: Math.round((perSecond * bytes) / 1e6),
        cpu_us_per_request: Math.round(1e6 / perSecond),
      },
    });
  }
}
if (sink < 0) console.error(sink);
process.stdout.write(`${JSON.stringify({ scenario: 'codec', rows })}\n`);
