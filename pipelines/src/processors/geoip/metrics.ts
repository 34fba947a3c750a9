// The geoip processor's own metrics, declared on the meter its factory context gives it.
import type { Counter, Meter } from '@opentelemetry/api';
import { declareProcessorMetrics, type ProcessorMetrics } from '../processor-metrics.ts';

export const GEOIP_LOOKUP_RESULTS = ['hit', 'miss', 'skipped', 'invalid'] as const;

export interface GeoipMetrics extends ProcessorMetrics {
  lookups: Counter;
}

export function declareGeoipMetrics(meter: Meter): GeoipMetrics {
  const lookups = meter.createCounter('otelgate_processor_geoip_lookups', {
    description: 'GeoIP lookups by result: hit, miss (not in the database), skipped (private or reserved), invalid',
  });
  for (const result of GEOIP_LOOKUP_RESULTS) lookups.add(0, { result });
  return { ...declareProcessorMetrics(meter, 'geoip', ['traces', 'metrics', 'logs'], ['length']), lookups };
}
