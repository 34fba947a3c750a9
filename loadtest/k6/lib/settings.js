// Where the load goes and what it looks like, from the environment:
//   OTELGATE_URL   base URL of the OTLP/HTTP receiver (default http://127.0.0.1:4318)
//   OTELGATE_KEY   API key, sent as "Authorization: Bearer <key>" when set
//   PROTOCOL       json | protobuf (default json)
//   ERROR_RATE     share of spans and logs that are errors (default 0.05)
//   SERVICES       number of distinct services (default 12)
export const baseUrl = __ENV.OTELGATE_URL || 'http://127.0.0.1:4318';
export const protocol = __ENV.PROTOCOL === 'protobuf' ? 'protobuf' : 'json';
export const errorRate = Number(__ENV.ERROR_RATE || 0.05);
export const serviceCount = Number(__ENV.SERVICES || 12);

export function headers(contentType) {
  const result = { 'Content-Type': contentType };
  if (__ENV.OTELGATE_KEY) result.Authorization = `Bearer ${__ENV.OTELGATE_KEY}`;
  return result;
}
