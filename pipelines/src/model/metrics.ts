import type { InstrumentationScope, KeyValue, Resource } from './common.ts';

export const AggregationTemporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

export interface MetricsData {
  resourceMetrics: ResourceMetrics[];
}

export interface ResourceMetrics {
  resource: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
  schemaUrl: string;
}

/** Exactly one of gauge, sum, histogram, exponentialHistogram, summary is set. */
export interface Metric {
  name: string;
  description: string;
  unit: string;
  metadata: KeyValue[];
  gauge?: { dataPoints: NumberDataPoint[] };
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean };
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality: number };
  exponentialHistogram?: { dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: number };
  summary?: { dataPoints: SummaryDataPoint[] };
}

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  /** exactly one of asDouble / asInt is set */
  asDouble?: number;
  asInt?: bigint;
  spanId: string;
  traceId: string;
}

export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** exactly one of asDouble / asInt is set */
  asDouble?: number;
  asInt?: bigint;
  exemplars: Exemplar[];
  flags: number;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum?: number;
  bucketCounts: bigint[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min?: number;
  max?: number;
}

export interface ExponentialHistogramBuckets {
  offset: number;
  bucketCounts: bigint[];
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum?: number;
  scale: number;
  zeroCount: bigint;
  positive: ExponentialHistogramBuckets;
  negative: ExponentialHistogramBuckets;
  flags: number;
  exemplars: Exemplar[];
  min?: number;
  max?: number;
  zeroThreshold: number;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
  flags: number;
}
