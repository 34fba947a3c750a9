// OTLP/JSON requests that exercise every default processor and both exporters: an error span
// with an exception event and a public client address (geoip, errors), a PII-carrying log
// record at ERROR (redact, errors), and a sum and a gauge (prometheus).

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function resource(service: string) {
  return { attributes: [str('service.name', service), str('client.address', '8.8.8.8')] };
}

const nowNanos = () => BigInt(Date.now()) * 1_000_000n;
const hex = (bytes: number) =>
  Array.from({ length: bytes }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');

export function tracesJson(service: string): string {
  const end = nowNanos();
  const start = end - 250_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: resource(service),
        scopeSpans: [
          {
            scope: { name: 'self-metrics-check' },
            spans: [
              {
                traceId: hex(16),
                spanId: hex(8),
                name: 'GET /checkout',
                kind: 2,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(end),
                attributes: [str('http.request.method', 'GET'), str('user.email', 'jane.doe@example.com')],
                events: [
                  {
                    name: 'exception',
                    timeUnixNano: String(end),
                    attributes: [
                      str('exception.type', 'TypeError'),
                      str('exception.message', "Cannot read properties of undefined (reading 'id')"),
                    ],
                  },
                ],
                status: { code: 2, message: 'boom' },
              },
              {
                traceId: hex(16),
                spanId: hex(8),
                name: 'SELECT orders',
                kind: 3,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(end),
              },
            ],
          },
        ],
      },
    ],
  });
}

export function logsJson(service: string): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: resource(service),
        scopeLogs: [
          {
            scope: { name: 'self-metrics-check' },
            logRecords: [
              {
                timeUnixNano: String(nowNanos()),
                severityNumber: 17,
                severityText: 'ERROR',
                traceId: hex(16),
                spanId: hex(8),
                body: { stringValue: 'payment failed for jane.doe@example.com' },
                attributes: [
                  str('exception.type', 'PaymentDeclined'),
                  str('exception.message', 'card declined'),
                  str('exception.stacktrace', 'PaymentDeclined: card declined\n    at charge (pay.js:10:5)'),
                ],
              },
              {
                timeUnixNano: String(nowNanos()),
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: 'order placed' },
              },
            ],
          },
        ],
      },
    ],
  });
}

export function metricsJson(service: string): string {
  const now = String(nowNanos());
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: resource(service),
        scopeMetrics: [
          {
            scope: { name: 'self-metrics-check' },
            metrics: [
              {
                name: 'orders.placed',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ asInt: '3', startTimeUnixNano: now, timeUnixNano: now }],
                },
              },
              { name: 'queue.depth', gauge: { dataPoints: [{ asDouble: 4.5, timeUnixNano: now }] } },
            ],
          },
        ],
      },
    ],
  });
}
