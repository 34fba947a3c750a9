import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { captureConsole } from './console-capture.ts';
import { buildInstrumentations } from './instrumentations.ts';
import { type NodeTelemetryOptions, resolveOptions } from './options.ts';
import { captureProcessErrors } from './process-errors.ts';
import { baseResource, resourceDetectors } from './resource.ts';
import { handleShutdownSignals } from './shutdown-signals.ts';

export type NodeTelemetry = {
  /** Flushes every signal and stops the SDK; safe to call more than once. */
  shutdown(): Promise<void>;
};

let started: NodeTelemetry | undefined;

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([work.catch((error) => diag.warn('otelgate: shutdown failed', error)), timeout]).finally(() =>
    clearTimeout(timer),
  );
}

/**
 * Starts the OpenTelemetry Node SDK with the auto-instrumentations, OTLP exporters for traces,
 * metrics and logs (or whatever OTEL_*_EXPORTER names), resource detection, error capture and a
 * flush on SIGTERM. Call it before the application imports the libraries it instruments; or use
 * `node --import @otelgate/node/register`. A second call returns the first handle.
 */
export function init(options: NodeTelemetryOptions = {}): NodeTelemetry {
  if (started) return started;
  const resolved = resolveOptions(options);
  if (process.env.OTEL_LOG_LEVEL) {
    const level = DiagLogLevel[process.env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel];
    diag.setLogger(new DiagConsoleLogger(), { logLevel: level ?? DiagLogLevel.INFO });
  }

  // The SDK reads this switch when it starts: with it, the batch processors count what they drop
  // when their queues are full (OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BLRP_MAX_QUEUE_SIZE) and export it.
  process.env.OTEL_NODE_EXPERIMENTAL_SDK_METRICS = String(resolved.sdkMetrics);
  const sdk = new NodeSDK({
    serviceName: resolved.serviceName,
    resource: baseResource(resolved),
    resourceDetectors: resourceDetectors(),
    instrumentations: buildInstrumentations(resolved.instrumentations),
  });
  try {
    sdk.start();
  } catch (error) {
    // Telemetry failing to start must not stop the application.
    diag.error('otelgate: the OpenTelemetry SDK did not start; the application runs uninstrumented', error);
  }

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= withTimeout(sdk.shutdown(), resolved.shutdownTimeoutMs);
    return stopping;
  };
  started = { shutdown };

  if (resolved.captureConsole) captureConsole();
  if (resolved.captureProcessErrors) captureProcessErrors(shutdown);
  if (resolved.handleSignals) handleShutdownSignals(shutdown);
  process.once('beforeExit', () => void shutdown());
  return started;
}
