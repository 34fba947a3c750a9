import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';

/**
 * What `init()` accepts. Everything is optional: the standard `OTEL_*` variables
 * (endpoint, protocol, headers, service name, resource attributes, sampler, exporters)
 * configure the SDK, and these options only add what the variables cannot say.
 */
export type NodeTelemetryOptions = {
  /** service.name; else OTEL_SERVICE_NAME, else the SDK's `unknown_service:node`. */
  serviceName?: string;
  /** service.version; else OTEL_SERVICE_VERSION, else npm_package_version. */
  serviceVersion?: string;
  /** deployment.environment.name; else OTEL_DEPLOYMENT_ENVIRONMENT, else NODE_ENV. */
  environment?: string;
  /** Per-instrumentation overrides passed to getNodeAutoInstrumentations(). */
  instrumentations?: InstrumentationConfigMap;
  /** Emit console.* calls as OTLP log records too (else OTELGATE_CAPTURE_CONSOLE=true). */
  captureConsole?: boolean;
  /** Record uncaught exceptions and unhandled rejections, flush, then exit 1 (default true). */
  captureProcessErrors?: boolean;
  /** Flush and shut down on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
  /** How long shutdown may take before the process exits anyway, in ms (default 5000). */
  shutdownTimeoutMs?: number;
  /**
   * Export the SDK's own metrics, among them spans and log records dropped because a batch
   * processor's queue was full (`otel.sdk.processor.span.processed` and
   * `otel.sdk.processor.log.processed` with `error.type="queue_full"`). Default true, unless
   * OTEL_NODE_EXPERIMENTAL_SDK_METRICS says otherwise.
   */
  sdkMetrics?: boolean;
};

export type ResolvedNodeTelemetryOptions = Required<
  Omit<NodeTelemetryOptions, 'serviceName' | 'serviceVersion' | 'environment'>
> &
  Pick<NodeTelemetryOptions, 'serviceName' | 'serviceVersion' | 'environment'>;

const truthy = (value: string | undefined): boolean => value !== undefined && /^(1|true|yes|on)$/i.test(value);

export function resolveOptions(
  options: NodeTelemetryOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedNodeTelemetryOptions {
  return {
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion ?? env.OTEL_SERVICE_VERSION ?? env.npm_package_version,
    environment: options.environment ?? env.OTEL_DEPLOYMENT_ENVIRONMENT ?? env.NODE_ENV,
    instrumentations: options.instrumentations ?? {},
    captureConsole: options.captureConsole ?? truthy(env.OTELGATE_CAPTURE_CONSOLE),
    captureProcessErrors: options.captureProcessErrors ?? true,
    handleSignals: options.handleSignals ?? true,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5000,
    sdkMetrics:
      options.sdkMetrics ??
      (env.OTEL_NODE_EXPERIMENTAL_SDK_METRICS === undefined || truthy(env.OTEL_NODE_EXPERIMENTAL_SDK_METRICS)),
  };
}
