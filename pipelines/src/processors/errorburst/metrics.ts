// The errorburst processor's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter, UpDownCounter } from '@opentelemetry/api';

export interface ErrorburstMetrics {
  notifications: Counter;
  firing: UpDownCounter;
}

export function declareErrorburstMetrics(meter: Meter): ErrorburstMetrics {
  const notifications = meter.createCounter('otelgate_processor_errorburst_notifications', {
    description: 'Alerts the errorburst processor posted to Alertmanager, by outcome (sent, failed)',
  });
  const firing = meter.createUpDownCounter('otelgate_processor_errorburst_firing', {
    description: 'Services whose error-burst alert is firing',
  });
  for (const outcome of ['sent', 'failed']) notifications.add(0, { outcome });
  firing.add(0);
  return { notifications, firing };
}
