// What a tap shows: records of one signal picked by service.name and attributes, each as its own
// OTLP/JSON document (one span, metric or log record with its resource and scope).
import type { SignalData } from '@otelgate/pipelines/components/component.ts';
import type { AnyValue, KeyValue, Resource, Signal } from '@otelgate/pipelines/model/common.ts';

export interface TapFilter {
  /** Only records whose resource has this service.name. */
  service?: string;
  /** Only records with every one of these attributes (on the record, a data point, or its resource). */
  attributes: { key: string; value: string }[];
}

/**
 * Calls `take` with a one-record document for each record that passes the filter, until `take`
 * answers false (the tap's rate is used up). Nothing of `data` is changed or kept.
 */
export function sampleRecords<S extends Signal>(
  signal: S,
  data: SignalData[S],
  filter: TapFilter,
  take: (single: SignalData[S]) => boolean,
): void {
  if (signal === 'traces') {
    for (const { resource, schemaUrl, scopeSpans } of (data as SignalData['traces']).resourceSpans) {
      if (!serviceMatches(resource, filter)) continue;
      for (const scope of scopeSpans) {
        for (const span of scope.spans) {
          if (!attributesMatch(filter, resource, [span.attributes])) continue;
          const single = { resourceSpans: [{ resource, schemaUrl, scopeSpans: [{ ...scope, spans: [span] }] }] };
          if (!take(single as SignalData[S])) return;
        }
      }
    }
  } else if (signal === 'logs') {
    for (const { resource, schemaUrl, scopeLogs } of (data as SignalData['logs']).resourceLogs) {
      if (!serviceMatches(resource, filter)) continue;
      for (const scope of scopeLogs) {
        for (const record of scope.logRecords) {
          if (!attributesMatch(filter, resource, [record.attributes])) continue;
          const single = { resourceLogs: [{ resource, schemaUrl, scopeLogs: [{ ...scope, logRecords: [record] }] }] };
          if (!take(single as SignalData[S])) return;
        }
      }
    }
  } else {
    for (const { resource, schemaUrl, scopeMetrics } of (data as SignalData['metrics']).resourceMetrics) {
      if (!serviceMatches(resource, filter)) continue;
      for (const scope of scopeMetrics) {
        for (const metric of scope.metrics) {
          const points =
            metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
          const pointAttributes = (points?.dataPoints ?? []).map((point) => point.attributes);
          if (!attributesMatch(filter, resource, pointAttributes)) continue;
          const single = {
            resourceMetrics: [{ resource, schemaUrl, scopeMetrics: [{ ...scope, metrics: [metric] }] }],
          };
          if (!take(single as SignalData[S])) return;
        }
      }
    }
  }
}

function serviceMatches(resource: Resource, filter: TapFilter): boolean {
  return filter.service === undefined || attributeText(resource.attributes, 'service.name') === filter.service;
}

/** Every wanted attribute is on the resource or on one of the candidate attribute lists. */
function attributesMatch(filter: TapFilter, resource: Resource, candidates: KeyValue[][]): boolean {
  return filter.attributes.every(
    ({ key, value }) =>
      attributeText(resource.attributes, key) === value ||
      candidates.some((list) => attributeText(list, key) === value),
  );
}

function attributeText(attributes: KeyValue[], key: string): string | undefined {
  for (const attribute of attributes) if (attribute.key === key) return scalarText(attribute.value);
  return undefined;
}

function scalarText(value: AnyValue): string | undefined {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return String(value.intValue);
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return String(value.boolValue);
  return undefined;
}
