// Small builders for OTLP metrics data in the exporter tests.
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { Metric, MetricsData } from '@otelgate/pipelines/model/metrics.ts';

export function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

export function nanos(ms: number): bigint {
  return BigInt(ms) * 1_000_000n;
}

export function metricsData(resource: KeyValue[], metrics: Metric[]): MetricsData {
  return {
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: 'test-scope', version: '1.0', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics,
          },
        ],
      },
    ],
  };
}

export function metric(name: string, unit: string, data: Partial<Metric>): Metric {
  return { name, unit, description: `${name} help`, metadata: [], ...data };
}
