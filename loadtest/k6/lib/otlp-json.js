// Realistic OTLP/JSON requests: many services, attribute sets like the OpenTelemetry SDKs'
// HTTP, database and messaging instrumentations produce, errors at a configurable rate.
import { errorRate, serviceCount } from './settings.js';

const ROUTES = [
  '/api/orders',
  '/api/orders/{id}',
  '/api/cart',
  '/api/users/{id}',
  '/health',
  '/api/search',
  '/api/checkout',
];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const DB_STATEMENTS = [
  'SELECT * FROM orders WHERE id = $1',
  'UPDATE carts SET items = $1 WHERE user_id = $2',
  'SELECT 1',
];

function hex(bytes) {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const str = (key, value) => ({ key, value: { stringValue: value } });
const int = (key, value) => ({ key, value: { intValue: String(value) } });

function resource(index) {
  return {
    attributes: [
      str('service.name', `svc-${index}`),
      str('service.namespace', 'shop'),
      str('service.version', `1.${index % 4}.0`),
      str('service.instance.id', `svc-${index}-${hex(4)}`),
      str('deployment.environment.name', 'load'),
      str('telemetry.sdk.language', pick(['nodejs', 'java', 'python', 'go'])),
      str('telemetry.sdk.name', 'opentelemetry'),
      str('host.name', `node-${index % 3}`),
    ],
  };
}

function serverSpan(traceId, startNs) {
  const failed = Math.random() < errorRate;
  const route = pick(ROUTES);
  const status = failed ? pick([500, 502, 503]) : pick([200, 200, 200, 201, 204, 404]);
  const durationNs = Math.floor((5 + Math.random() * 200) * 1e6);
  return {
    traceId,
    spanId: hex(8),
    name: `${pick(METHODS)} ${route}`,
    kind: 2,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(startNs + durationNs),
    attributes: [
      str('http.request.method', pick(METHODS)),
      str('http.route', route),
      str('url.path', route.replace('{id}', String(Math.floor(Math.random() * 10000)))),
      str('url.scheme', 'https'),
      int('http.response.status_code', status),
      str('server.address', 'shop.example.com'),
      int('server.port', 443),
      str('client.address', `203.0.113.${Math.floor(Math.random() * 250)}`),
      str(
        'user_agent.original',
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      ),
      str('network.protocol.version', '1.1'),
    ],
    status: failed ? { code: 2, message: 'upstream failed' } : {},
    events: failed
      ? [
          {
            timeUnixNano: String(startNs + durationNs - 1000),
            name: 'exception',
            attributes: [
              str('exception.type', 'Error'),
              str('exception.message', 'connect ECONNREFUSED 10.0.0.12:5432'),
              str(
                'exception.stacktrace',
                'Error: connect ECONNREFUSED 10.0.0.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
              ),
            ],
          },
        ]
      : [],
  };
}

function dbSpan(traceId, parentSpanId, startNs) {
  return {
    traceId,
    spanId: hex(8),
    parentSpanId,
    name: 'SELECT shop.orders',
    kind: 3,
    startTimeUnixNano: String(startNs + 1e6),
    endTimeUnixNano: String(startNs + 4e6),
    attributes: [
      str('db.system.name', 'postgresql'),
      str('db.namespace', 'shop'),
      str('db.query.text', pick(DB_STATEMENTS)),
      str('server.address', 'db'),
      int('server.port', 5432),
    ],
    status: {},
  };
}

/** An ExportTraceServiceRequest with about `spanCount` spans spread over a few services. */
export function traceRequest(spanCount) {
  const perService = {};
  const now = Date.now() * 1e6;
  for (let made = 0; made < spanCount; made += 2) {
    const service = Math.floor(Math.random() * serviceCount);
    const traceId = hex(16);
    const server = serverSpan(traceId, now - Math.floor(Math.random() * 1e9));
    if (!perService[service]) perService[service] = [];
    perService[service].push(server, dbSpan(traceId, server.spanId, Number(server.startTimeUnixNano)));
  }
  return {
    resourceSpans: Object.keys(perService).map((service) => ({
      resource: resource(Number(service)),
      scopeSpans: [
        { scope: { name: '@opentelemetry/instrumentation-http', version: '0.301.0' }, spans: perService[service] },
      ],
    })),
  };
}

/** An ExportLogsServiceRequest of ~200-byte log lines, some errors with stack traces. */
export function logsRequest(recordCount) {
  const now = Date.now() * 1e6;
  const records = [];
  for (let i = 0; i < recordCount; i++) {
    const failed = Math.random() < errorRate;
    records.push({
      timeUnixNano: String(now),
      observedTimeUnixNano: String(now),
      severityNumber: failed ? 17 : 9,
      severityText: failed ? 'ERROR' : 'INFO',
      body: {
        stringValue: failed
          ? `payment failed for order ${Math.floor(Math.random() * 1e6)}: card declined by issuer (code 51), customer jane.doe@example.com`
          : `request completed method=GET path=/api/orders/${Math.floor(Math.random() * 1e4)} status=200 duration_ms=${Math.floor(Math.random() * 300)}`,
      },
      attributes: [str('log.logger', 'app'), str('code.function.name', 'handleRequest'), int('thread.id', 1)],
      traceId: hex(16),
      spanId: hex(8),
    });
  }
  return {
    resourceLogs: [
      {
        resource: resource(Math.floor(Math.random() * serviceCount)),
        scopeLogs: [{ scope: { name: 'pino' }, logRecords: records }],
      },
    ],
  };
}

/** An ExportMetricsServiceRequest with a counter, a gauge and a histogram per service. */
export function metricsRequest() {
  const now = Date.now() * 1e6;
  const start = now - 60e9;
  return {
    resourceMetrics: [
      {
        resource: resource(Math.floor(Math.random() * serviceCount)),
        scopeMetrics: [
          {
            scope: { name: 'load' },
            metrics: [
              {
                name: 'http.server.request.count',
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      startTimeUnixNano: String(start),
                      timeUnixNano: String(now),
                      asInt: String(Math.floor(Math.random() * 1e5)),
                      attributes: [str('http.route', pick(ROUTES))],
                    },
                  ],
                },
              },
              {
                name: 'process.memory.usage',
                unit: 'By',
                gauge: { dataPoints: [{ timeUnixNano: String(now), asDouble: 1e8 * Math.random() }] },
              },
              {
                name: 'http.server.request.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      startTimeUnixNano: String(start),
                      timeUnixNano: String(now),
                      count: '10',
                      sum: 1.5,
                      explicitBounds: [0.005, 0.01, 0.05, 0.1, 0.5, 1],
                      bucketCounts: ['1', '2', '3', '2', '1', '1', '0'],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}
