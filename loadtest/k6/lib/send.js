import { check } from 'k6';
import http from 'k6/http';
import { logsRequest, metricsRequest, traceRequest } from './otlp-json.js';
import { baseUrl, headers, protocol } from './settings.js';

// Protobuf bodies are made ahead by build-payloads.ts (our own encoder); k6 cannot encode
// protobuf, so it cycles through a few pre-built requests of each kind.
const protobufBodies =
  protocol === 'protobuf'
    ? {
        traces: [open('../payloads/traces-0.bin', 'b'), open('../payloads/traces-1.bin', 'b')],
        logs: [open('../payloads/logs-0.bin', 'b'), open('../payloads/logs-1.bin', 'b')],
        metrics: [open('../payloads/metrics-0.bin', 'b')],
      }
    : undefined;

function post(signal, jsonBody) {
  const body = protobufBodies
    ? protobufBodies[signal][Math.floor(Math.random() * protobufBodies[signal].length)]
    : JSON.stringify(jsonBody());
  const response = http.post(`${baseUrl}/v1/${signal}`, body, {
    headers: headers(protobufBodies ? 'application/x-protobuf' : 'application/json'),
    tags: { signal },
  });
  check(response, { [`${signal} accepted (200)`]: (r) => r.status === 200 });
  return response;
}

/** One iteration: a trace batch, a log batch, and now and then a metrics batch, like an SDK. */
export function sendMix() {
  post('traces', () => traceRequest(100));
  post('logs', () => logsRequest(50));
  if (Math.random() < 0.2) post('metrics', () => metricsRequest());
}
