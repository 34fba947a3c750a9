export type WebTelemetryOptions = {
  /** Base URL of the OTLP/HTTP receiver, e.g. `https://otel.example.com` (signals go to /v1/traces etc.). */
  endpoint: string;
  serviceName: string;
  serviceVersion?: string;
  /** Sent as `Authorization: Bearer <apiKey>`; the gateway maps it to a tenant. */
  apiKey?: string;
  /** Backend origins (strings or patterns) that receive `traceparent`; no other origin does. */
  propagateTo?: (string | RegExp)[];
  /** Metric export interval in ms (default 30000). */
  metricIntervalMs?: number;
};
