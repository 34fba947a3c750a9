import { context, logs, metrics, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { traceClicks } from './clicks.ts';
import { captureErrors, recordFetchFailure } from './errors.ts';
import type { WebTelemetryOptions } from './options.ts';
import { sessionId } from './session.ts';
import { traceRouteChanges } from './route-changes.ts';
import { reportWebVitals } from './web-vitals.ts';
import { traceXhr } from './xhr.ts';

export type WebTelemetry = { flush(): Promise<void>; sessionId: string };

/** Starts tracing, metrics and logs for the page; call once, as early as possible. */
export function startWebTelemetry(options: WebTelemetryOptions): WebTelemetry {
  const session = sessionId();
  const service = {
    'service.name': options.serviceName,
    ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    'telemetry.sdk.language': 'webjs',
  };
  // Spans and logs say which session and browser they come from.
  const resource = resourceFromAttributes({
    ...service,
    'session.id': session,
    'user_agent.original': navigator.userAgent,
  });
  // Metrics do not: every page view is a new sender, and per-session resource attributes would
  // make a target_info series per session. Measurements go out as deltas on the service's
  // resource; the gateway adds them up across sessions (docs/CONFIG.md, "Browser metrics").
  const metricsResource = resourceFromAttributes(service);
  const base = options.endpoint.replace(/\/$/, '');
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};

  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${base}/v1/traces`, headers }),
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  context.setGlobalContextManager(new StackContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  const meterProvider = new MeterProvider({
    resource: metricsResource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: `${base}/v1/metrics`,
          headers,
          temporalityPreference: AggregationTemporalityPreference.DELTA,
        }),
        exportIntervalMillis: options.metricIntervalMs ?? 30_000,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  const loggerProvider = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter({ url: `${base}/v1/logs`, headers }),
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  logs.setGlobalLoggerProvider(loggerProvider);

  // The fetch instrumentation compares strings for equality with the full URL; treat ours as origins/prefixes.
  const propagateTo = (options.propagateTo ?? []).map((p) =>
    typeof p === 'string' ? new RegExp(`^${escapeRegExp(p.replace(/\/$/, ''))}(/|\\?|$)`) : p,
  );
  const exportUrls = new RegExp(`^${escapeRegExp(base)}/v1/`);
  registerInstrumentations({
    instrumentations: [
      new DocumentLoadInstrumentation(),
      new FetchInstrumentation({
        propagateTraceHeaderCorsUrls: propagateTo,
        ignoreUrls: [exportUrls],
        applyCustomAttributesOnSpan: recordFetchFailure,
      }),
    ],
  });
  traceXhr(
    (url) => propagateTo.some((p) => p.test(url)),
    (url) => exportUrls.test(url),
  );
  traceRouteChanges();
  traceClicks();
  captureErrors();
  reportWebVitals();

  const flush = async () => {
    await Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush(), loggerProvider.forceFlush()]);
  };
  // The exporters send with fetch keepalive in the browser, so a flush at pagehide still arrives.
  addEventListener('pagehide', () => void flush());
  addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void flush();
  });
  return { flush, sessionId: session };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
