// The hand-over shared by processors that derive metrics from other signals (spanmetrics,
// logmetrics): the series of one tenant, grouped by resource, become one MetricsData emitted
// on the component's explicit emit path.
import type { ComponentContext } from '@otelgate/pipelines/components/component.ts';
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { Metric, ResourceMetrics } from '@otelgate/pipelines/model/metrics.ts';

/** The items grouped by a key, groups and items in first-seen order. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The series map of a tenant (`''` without one), created on first use. */
export function seriesOfTenant<S>(tenants: Map<string, Map<string, S>>, tenant: string | undefined): Map<string, S> {
  const key = tenant ?? '';
  let series = tenants.get(key);
  if (!series) {
    series = new Map();
    tenants.set(key, series);
  }
  return series;
}

export interface DerivedResourceMetrics {
  resource: KeyValue[];
  metrics: Metric[];
}

/**
 * Emits one tenant's derived metrics under the scope `otelgate/<processor>`. A failing emit is
 * logged and not thrown: the flush runs on a timer, outside any batch it could fail.
 */
export function emitDerivedMetrics(
  context: ComponentContext,
  processor: string,
  tenant: string,
  perResource: DerivedResourceMetrics[],
): void {
  const resourceMetrics: ResourceMetrics[] = perResource.map(({ resource, metrics }) => ({
    resource: { attributes: resource, droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeMetrics: [
      {
        scope: { name: `otelgate/${processor}`, version: '', attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        metrics,
      },
    ],
  }));
  try {
    context.emit('metrics', { resourceMetrics }, { tenant: tenant || undefined, peerAddress: undefined });
  } catch (error) {
    context.logger.warn({ err: error }, `${processor}: emit failed`);
  }
}
