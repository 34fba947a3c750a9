// Every metric the gateway declares about itself lives here (and in the per-part metrics.ts
// files of the buffers and pipelines components, declared on the meter made here), so
// /metrics and docs/CONFIG.md#telemetry agree.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { GatewayConfig } from '../config/schema.ts';

const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const EVENT_LOOP_WINDOW_MS = 10_000;
const SIZE_BUCKETS_BYTES = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];

export interface ReceiverMetrics {
  acceptedItems: Counter;
  refusedItems: Counter;
  refusedRequests: Counter;
  requestDuration: Histogram;
  requestSize: Histogram;
  bufferAppendDuration: Histogram;
  /** Fed by ingest/admission.ts at scrape time. */
  inFlightBytes: ObservableGauge;
  limitRefusals: Counter;
  tlsRefusedConnections: Counter;
  tlsCertificateReloads: Counter;
}

export interface SelfTelemetry {
  exporter: PrometheusExporter;
  meter: Meter;
  receiver: ReceiverMetrics;
  shutdown(): Promise<void>;
}

/** Signals receivers count items for; known label sets of the receiver counters start at 0. */
const SIGNALS = ['traces', 'metrics', 'logs'] as const;
/** Refusal reasons the rules and dashboards read (the other kinds appear when they happen). */
const ZEROED_REFUSAL_REASONS = ['invalid-argument', 'payload-too-large', 'resource-exhausted', 'unavailable'] as const;

/**
 * A MeterProvider with a Prometheus pull reader. Its meter is handed to every part (the buffer,
 * the process loop, each component's factory context); nothing uses the global API, whose
 * instruments made before a provider exists stay no-ops. `transports`: the receivers this role
 * runs (`http`, `grpc`), whose counters start at 0.
 */
export function startSelfTelemetry(version: string, transports: readonly string[] = []): SelfTelemetry {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({
    readers: [exporter],
    resource: resourceFromAttributes({ 'service.name': 'otelgate', 'service.version': version }),
  });
  const meter = provider.getMeter('otelgate');
  const stopProcessMetrics = declareProcessMetrics(meter);
  const receiver = declareReceiverMetrics(meter);
  for (const transport of transports) {
    for (const signal of SIGNALS) {
      receiver.acceptedItems.add(0, { signal, transport });
      for (const reason of ZEROED_REFUSAL_REASONS) {
        receiver.refusedItems.add(0, { signal, transport, reason });
        receiver.refusedRequests.add(0, { signal, transport, reason });
      }
    }
  }
  return {
    exporter,
    meter,
    receiver,
    async shutdown() {
      stopProcessMetrics();
      await provider.shutdown();
    },
  };
}

function declareReceiverMetrics(meter: Meter): ReceiverMetrics {
  return {
    acceptedItems: meter.createCounter('otelgate_receiver_accepted_items', {
      description:
        'Spans, metric points and log records acknowledged to clients (durable in the buffer), by signal and transport.',
    }),
    refusedItems: meter.createCounter('otelgate_receiver_refused_items', {
      description:
        'Items refused to clients, by signal, transport and reason (items are 0-counted per request when the body could not be read).',
    }),
    refusedRequests: meter.createCounter('otelgate_receiver_refused_requests', {
      description:
        'Requests refused, by signal, transport and reason; includes refusals before the body was read (busy, too large, auth).',
    }),
    requestDuration: meter.createHistogram('otelgate_receiver_request_duration_seconds', {
      description: 'Time from request start to response, by signal, transport and outcome.',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    requestSize: meter.createHistogram('otelgate_receiver_request_size_bytes', {
      description: 'Decompressed OTLP request size, by signal and transport.',
      advice: { explicitBucketBoundaries: SIZE_BUCKETS_BYTES },
    }),
    bufferAppendDuration: meter.createHistogram('otelgate_buffer_append_duration_seconds', {
      description: 'Time for the buffer to confirm an append (fsync or Kafka ack), by signal.',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
    }),
    inFlightBytes: meter.createObservableGauge('otelgate_receiver_in_flight_bytes', {
      description: 'Bytes held by requests being read, inflated or awaiting the buffer (limits.maxInFlightBytes).',
      unit: 'By',
    }),
    limitRefusals: meter.createCounter('otelgate_receiver_limit_refusals', {
      description:
        'Requests and connections refused or cut off by a limit, by transport and reason (in-flight-limit, tenant-share, read-timeout, idle-timeout, min-rate, grpc-timeout, connection-limit).',
    }),
    tlsRefusedConnections: meter.createCounter('otelgate_receiver_tls_refused_connections', {
      description:
        'TLS connections refused, by transport and reason: failed handshakes (protocol version, not TLS) and, with mutual TLS, a missing or untrusted client certificate.',
    }),
    tlsCertificateReloads: meter.createCounter('otelgate_receiver_tls_certificate_reloads', {
      description:
        'Receiver certificate reloads after a file change or SIGHUP, by transport and outcome (reloaded, failed).',
    }),
  };
}

/** Process CPU, RSS, heap, event-loop delay and GC, under the names Prometheus clients use. */
function declareProcessMetrics(meter: Meter): () => void {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const gcDuration = meter.createHistogram('otelgate_process_gc_duration_seconds', {
    description: 'Garbage collection pauses, by kind.',
    advice: { explicitBucketBoundaries: LATENCY_BUCKETS_SECONDS },
  });
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      gcDuration.record(entry.duration / 1000, { kind: String(kind) });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  meter
    .createObservableCounter('process_cpu_seconds', { description: 'User and system CPU time spent.' })
    .addCallback((result) => {
      const usage = process.cpuUsage();
      result.observe((usage.user + usage.system) / 1e6);
    });
  meter
    .createObservableGauge('process_resident_memory_bytes', { description: 'Resident set size.' })
    .addCallback((result) => {
      result.observe(process.memoryUsage.rss());
    });
  meter.createObservableGauge('nodejs_heap_used_bytes', { description: 'V8 heap in use.' }).addCallback((result) => {
    result.observe(process.memoryUsage().heapUsed);
  });
  // A fixed window rather than "since the last read": /metrics and /status both collect, and one
  // reader must not shorten the other's window.
  let windowP99Seconds = 0;
  const rotate = setInterval(() => {
    if (loopDelay.count > 0) windowP99Seconds = loopDelay.percentile(99) / 1e9;
    loopDelay.reset();
  }, EVENT_LOOP_WINDOW_MS);
  rotate.unref();
  meter
    .createObservableGauge('nodejs_eventloop_delay_p99_seconds', {
      description: 'Event-loop delay, 99th percentile over the last complete 10 s window.',
    })
    .addCallback((result) => {
      result.observe(windowP99Seconds || (loopDelay.count > 0 ? loopDelay.percentile(99) / 1e9 : 0));
    });
  return () => {
    clearInterval(rotate);
    gcObserver.disconnect();
    loopDelay.disable();
  };
}

/** The receiver transports this role runs (none for `process`). */
export function receiverTransports(config: GatewayConfig): string[] {
  if (config.service.role === 'process') return [];
  const { http, grpc } = config.receivers.otlp;
  const { filelog, syslog, alertmanager } = config.receivers;
  return [
    ...(http ? ['http'] : []),
    ...(grpc ? ['grpc'] : []),
    ...(filelog ? ['filelog'] : []),
    ...(syslog ? ['syslog'] : []),
    ...(alertmanager ? ['alertmanager'] : []),
  ];
}
