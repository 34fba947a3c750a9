// The errors processor's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter } from '@opentelemetry/api';
import { declareProcessorMetrics, type ProcessorMetrics } from '../processor-metrics.ts';
import { ERROR_CATEGORIES } from './category.ts';

export interface ErrorsMetrics extends ProcessorMetrics {
  errorsTagged: Counter;
}

export function declareErrorsMetrics(meter: Meter): ErrorsMetrics {
  const errorsTagged = meter.createCounter('otelgate_processor_errors_tagged', {
    description:
      'Errors the errors processor found, by category: one per error (a span error at its origin, see trace-errors.ts), one per error log record',
  });
  for (const signal of ['traces', 'logs']) {
    for (const category of ERROR_CATEGORIES) errorsTagged.add(0, { category, signal });
  }
  return { ...declareProcessorMetrics(meter, 'errors', ['traces', 'logs'], ['length']), errorsTagged };
}
