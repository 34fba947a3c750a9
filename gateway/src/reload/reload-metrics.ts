// Reload's own metrics, on the gateway's meter: an alert can catch a config edit that was refused.
import type { Meter } from '@opentelemetry/api';

export interface ReloadMetrics {
  record(outcome: 'applied' | 'refused'): void;
}

export function declareReloadMetrics(meter: Meter): ReloadMetrics {
  const reloads = meter.createCounter('otelgate_config_reloads', {
    description: 'Config reloads (SIGHUP, POST /reload) by outcome: applied, or refused (the running config stays)',
  });
  for (const outcome of ['applied', 'refused']) reloads.add(0, { outcome });
  const lastSuccessful = meter.createObservableGauge('otelgate_config_last_reload_successful', {
    description: '1 when the last config reload was applied (or none was tried), 0 when it was refused',
  });
  let last = 1;
  lastSuccessful.addCallback((result) => result.observe(last));
  return {
    record(outcome) {
      reloads.add(1, { outcome });
      last = outcome === 'applied' ? 1 : 0;
    },
  };
}
