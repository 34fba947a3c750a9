import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import type { TracesData } from '@otelgate/pipelines/model/traces.ts';
import { parseOtlpJson } from '@otelgate/pipelines/otlp/json.ts';
import { describe, expect, it } from 'vitest';
import { sampleRecords, type TapFilter } from './tap-sample.ts';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

const traces = parseOtlpJson(
  'traces',
  JSON.stringify({
    resourceSpans: ['shop', 'cart'].map((service) => ({
      resource: { attributes: [str('service.name', service), str('region', 'eu')] },
      scopeSpans: [
        {
          scope: { name: 'lib' },
          spans: ['a', 'b', 'c'].map((name, index) => ({
            traceId: '0af7651916cd43dd8448eb211c80319c',
            spanId: `b7ad6b716920333${index}`,
            name: `${service}-${name}`,
            attributes: [str('http.route', `/${name}`), { key: 'status', value: { intValue: String(200 + index) } }],
          })),
        },
      ],
    })),
  }),
) as TracesData;

function names(filter: TapFilter, budget = 100): string[] {
  const out: string[] = [];
  sampleRecords('traces', traces, filter, (single) => {
    const resource = single.resourceSpans[0];
    expect(single.resourceSpans).toHaveLength(1);
    expect(resource.scopeSpans[0].spans).toHaveLength(1);
    out.push(resource.scopeSpans[0].spans[0].name);
    return out.length < budget;
  });
  return out;
}

describe('tap samples', () => {
  it('yields one span per document, filtered by service.name and by record or resource attributes', () => {
    expect(names({ attributes: [] })).toEqual(['shop-a', 'shop-b', 'shop-c', 'cart-a', 'cart-b', 'cart-c']);
    expect(names({ service: 'cart', attributes: [] })).toEqual(['cart-a', 'cart-b', 'cart-c']);
    expect(names({ attributes: [{ key: 'status', value: '201' }] })).toEqual(['shop-b', 'cart-b']);
    expect(names({ service: 'shop', attributes: [{ key: 'region', value: 'eu' }] })).toHaveLength(3);
    expect(names({ attributes: [{ key: 'region', value: 'us' }] })).toEqual([]);
  });

  it('stops as soon as the budget says so', () => {
    expect(names({ attributes: [] }, 2)).toEqual(['shop-a', 'shop-b']);
  });

  it('matches a metric by the attributes of any of its data points', () => {
    const metrics = parseOtlpJson(
      'metrics',
      JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [str('service.name', 'shop')] },
            scopeMetrics: [
              {
                metrics: ['requests', 'errors'].map((name) => ({
                  name,
                  gauge: {
                    dataPoints: [
                      { asInt: '1', attributes: [str('route', '/a')] },
                      { asInt: '2', attributes: [str('route', name === 'errors' ? '/pay' : '/b')] },
                    ],
                  },
                })),
              },
            ],
          },
        ],
      }),
    ) as MetricsData;
    const found: string[] = [];
    sampleRecords('metrics', metrics, { attributes: [{ key: 'route', value: '/pay' }] }, (single) => {
      const metric = single.resourceMetrics[0].scopeMetrics[0].metrics;
      expect(metric).toHaveLength(1);
      found.push(metric[0].name);
      return true;
    });
    expect(found).toEqual(['errors']);
  });
});
