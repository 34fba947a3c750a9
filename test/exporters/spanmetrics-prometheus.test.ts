import { createNoopMeter } from '@opentelemetry/api';
// Spans -> spanmetrics -> prometheus exporter -> real Prometheus: RED series for a traced
// service that has no metrics SDK.
import { randomUUID } from 'node:crypto';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import type { MetricsData } from '@otelgate/pipelines/model/metrics.ts';
import { prometheusExporterConfigSchema } from '@otelgate/pipelines/exporters/prometheus/config.ts';
import { prometheusExporterFactory } from '@otelgate/pipelines/exporters/prometheus/factory.ts';
import { spanmetricsConfigSchema } from '@otelgate/pipelines/processors/spanmetrics/config.ts';
import { spanmetricsProcessorFactory } from '@otelgate/pipelines/processors/spanmetrics/factory.ts';
import type { TracesData } from '@otelgate/pipelines/model/traces.ts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:19090';
const logger = pino({ level: 'silent' });

async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const body = (await (await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

describe('spanmetrics through the prometheus exporter', () => {
  it('gives a traced service calls and duration series in Prometheus', async () => {
    const service = `traced-${randomUUID().slice(0, 8)}`;
    const exporter = await prometheusExporterFactory.create(
      prometheusExporterConfigSchema.parse({ endpoint: `${PROMETHEUS_URL}/api/v1/write` }),
      {
        id: 'prometheus',
        dataDir: '/tmp',
        meter: createNoopMeter(),
        logger,
        emit: () => {},
      },
    );
    const emitted: MetricsData[] = [];
    const processor = await spanmetricsProcessorFactory.create(spanmetricsConfigSchema.parse({}), {
      id: 'spanmetrics',
      dataDir: '/tmp',
      meter: createNoopMeter(),
      logger,
      emit: <S extends Signal>(_signal: S, data: unknown) => emitted.push(data as MetricsData),
    });
    const now = BigInt(Date.now()) * 1_000_000n;
    const spans = [0, 1, 2].map((i) => ({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: `b7ad6b716920333${i}`,
      traceState: '',
      parentSpanId: '',
      flags: 0,
      name: 'GET /checkout',
      kind: 2,
      startTimeUnixNano: now - 120_000_000n,
      endTimeUnixNano: now,
      attributes: [],
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: i === 0 ? 2 : 0, message: '' },
    }));
    const traces: TracesData = {
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: service } }],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeSpans: [
            { scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans },
          ],
        },
      ],
    };
    processor.process('traces', traces, { tenant: undefined, peerAddress: undefined });
    await processor.shutdown?.();
    expect(emitted).toHaveLength(1);
    const result = await exporter.export('metrics', [
      { data: emitted[0], ctx: { tenant: undefined, peerAddress: undefined }, source: { partition: 0, offset: 0n } },
    ]);
    expect(result.rejected).toEqual([]);

    const calls = await query(
      `sum by (status_code) (traces_span_metrics_calls_total{service_name="${service}", span_kind="SPAN_KIND_SERVER"})`,
    );
    expect(Object.fromEntries(calls.map((r) => [r.metric.status_code, r.value[1]]))).toEqual({
      STATUS_CODE_ERROR: '1',
      STATUS_CODE_UNSET: '2',
    });
    const buckets = await query(
      `sum by (le) (traces_span_metrics_duration_seconds_bucket{service_name="${service}", span_name="GET /checkout"})`,
    );
    const byLe = Object.fromEntries(buckets.map((r) => [r.metric.le, r.value[1]]));
    expect(byLe['0.1']).toBe('0');
    expect(byLe['0.2']).toBe('3');
    expect(byLe['+Inf']).toBe('3');
  });
});
