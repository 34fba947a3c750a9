// The redact processor's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter } from '@opentelemetry/api';
import { declareProcessorMetrics, type ProcessorMetrics } from '../processor-metrics.ts';

export interface RedactMetrics extends ProcessorMetrics {
  redactedValues: Counter;
}

/** `kinds`: every kind the configured detectors and key rules can report, counted from 0. */
export function declareRedactMetrics(meter: Meter, kinds: readonly string[]): RedactMetrics {
  const redactedValues = meter.createCounter('otelgate_processor_redacted_values', {
    description: 'Values the redact processor masked, hashed or dropped, by kind',
  });
  for (const kind of kinds) redactedValues.add(0, { kind });
  return { ...declareProcessorMetrics(meter, 'redact', ['traces', 'logs'], ['depth', 'length']), redactedValues };
}
