import { getNodeAutoInstrumentations, type InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';

// fs, dns and net produce a span per syscall-ish call: noise that costs more than it tells.
// Host metrics are off in the upstream defaults; a backend wants them, so they are on here.
const DEFAULTS: InstrumentationConfigMap = {
  '@opentelemetry/instrumentation-fs': { enabled: false },
  '@opentelemetry/instrumentation-dns': { enabled: false },
  '@opentelemetry/instrumentation-net': { enabled: false },
  '@opentelemetry/instrumentation-host-metrics': { enabled: true },
  '@opentelemetry/instrumentation-runtime-node': { enabled: true },
  '@opentelemetry/instrumentation-pino': { enabled: true },
  '@opentelemetry/instrumentation-winston': { enabled: true },
};

/** The auto-instrumentations with our defaults; OTEL_NODE_(EN|DIS)ABLED_INSTRUMENTATIONS still apply. */
export function buildInstrumentations(overrides: InstrumentationConfigMap): Instrumentation[] {
  const config: InstrumentationConfigMap = { ...DEFAULTS };
  const fromEnv = Boolean(
    process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS || process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS,
  );
  // Explicit `enabled` in our defaults would override the env lists, so drop it when they are set.
  if (fromEnv) {
    for (const key of Object.keys(config) as (keyof InstrumentationConfigMap)[]) {
      const { enabled: _enabled, ...rest } = config[key] as { enabled?: boolean };
      (config as Record<string, unknown>)[key] = rest;
    }
  }
  for (const [key, value] of Object.entries(overrides)) {
    (config as Record<string, unknown>)[key] = { ...(config as Record<string, object>)[key], ...value };
  }
  return getNodeAutoInstrumentations(config);
}
