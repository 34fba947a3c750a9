// Builds the protobuf bodies the k6 scripts send with PROTOCOL=protobuf: k6 cannot encode
// protobuf itself, so realistic requests are made once here with our own OTLP encoder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonToProto } from '@otelgate/pipelines/otlp/index.ts';

// The same generator the JSON scenarios use, loaded as plain JS (it has no k6 imports of its own).
const settings = new URL('./lib/settings.js', import.meta.url);
Object.assign(globalThis, { __ENV: process.env });
await import(settings.href);
const { logsRequest, metricsRequest, traceRequest } = (await import(
  new URL('./lib/otlp-json.js', import.meta.url).href
)) as {
  traceRequest(count: number): unknown;
  logsRequest(count: number): unknown;
  metricsRequest(): unknown;
};

const out = new URL('./payloads/', import.meta.url);
mkdirSync(out, { recursive: true });
for (let i = 0; i < 2; i++) {
  writeFileSync(new URL(`traces-${i}.bin`, out), jsonToProto('traces', JSON.stringify(traceRequest(100))));
  writeFileSync(new URL(`logs-${i}.bin`, out), jsonToProto('logs', JSON.stringify(logsRequest(50))));
}
writeFileSync(new URL('metrics-0.bin', out), jsonToProto('metrics', JSON.stringify(metricsRequest())));
process.stderr.write(`protobuf payloads written to ${out.pathname}\n`);
