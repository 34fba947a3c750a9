import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import type { AnyValue, KeyValue } from '../model/common.ts';
import type { MetricsData } from '../model/metrics.ts';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.ts';
import { encodeLogs, encodeMetrics, encodeTraces } from './encode.ts';
import { LOG_SPAN_CONTEXT, sdkLogRequest, sdkMetricsRequest, sdkSpans } from './fixtures/sdk-requests.ts';
import { scanExportRequest } from './scan.ts';

const attr = (list: KeyValue[], key: string): AnyValue | undefined => list.find((kv) => kv.key === key)?.value;

const toNanos = ([s, ns]: [number, number]): bigint => BigInt(s) * 1_000_000_000n + BigInt(ns);

describe('OTLP protobuf codec against the OpenTelemetry JS SDK', () => {
  it('decodes SDK trace bytes to the values the SDK spans hold', () => {
    const spans = sdkSpans(12);
    const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
    const data = decodeTraces(bytes);
    const decoded = data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(decoded).toHaveLength(spans.length);
    expect(attr(data.resourceSpans[0].resource.attributes, 'service.name')).toEqual({ stringValue: 'checkout' });
    expect(attr(data.resourceSpans[0].resource.attributes, 'process.pid')).toEqual({ intValue: 4242n });
    expect(attr(data.resourceSpans[0].resource.attributes, 'host.name')).toEqual({ stringValue: 'node-ü-1' });
    expect(data.resourceSpans[0].scopeSpans[0].scope).toMatchObject({ name: 'codec-test', version: '0.0.1' });
    spans.forEach((sdk, i) => {
      const span = decoded[i];
      expect(span.traceId).toBe(sdk.spanContext().traceId);
      expect(span.spanId).toBe(sdk.spanContext().spanId);
      expect(span.parentSpanId).toBe(sdk.parentSpanContext?.spanId ?? '');
      expect(span.name).toBe(sdk.name);
      expect(span.kind).toBe(sdk.kind + 1);
      expect(span.startTimeUnixNano).toBe(toNanos(sdk.startTime));
      expect(span.endTimeUnixNano).toBe(toNanos(sdk.endTime));
      expect(span.status.code).toBe(sdk.status.code);
      expect(span.status.message).toBe(sdk.status.message ?? '');
      expect(span.attributes).toHaveLength(Object.keys(sdk.attributes).length);
      expect(attr(span.attributes, 'http.response.status_code')).toEqual({ intValue: BigInt(200 + (i % 5)) });
      expect(attr(span.attributes, 'ratio')).toEqual({ doubleValue: (i + 0.5) / 3 });
      expect(attr(span.attributes, 'cached')).toEqual({ boolValue: i % 3 === 0 });
      expect(attr(span.attributes, 'unicode')).toEqual({ stringValue: 'grüße 世界 🚀' });
      expect(attr(span.attributes, 'tags')).toEqual({
        arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }, { stringValue: `c${i}` }] },
      });
      expect(span.events.map((e) => e.name)).toEqual(sdk.events.map((e) => e.name));
      expect(span.links.map((l) => l.spanId)).toEqual(sdk.links.map((l) => l.context.spanId));
      expect(span.flags & 0xff).toBe(sdk.spanContext().traceFlags);
    });
  });

  it('re-encodes decoded traces to bytes that decode to the same model and scan to the same counts', () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(sdkSpans(50, 20))!;
    const data = decodeTraces(bytes);
    const again = encodeTraces(data);
    expect(decodeTraces(again)).toEqual(data);
    const scanSdk = scanExportRequest('traces', bytes);
    const scanOurs = scanExportRequest('traces', again);
    expect(scanSdk.itemCount).toBe(50);
    expect(scanOurs.itemCount).toBe(50);
    // The hash is of the resource's bytes: stable for one sender, equal for equal encodings.
    const other = scanExportRequest('traces', ProtobufTraceSerializer.serializeRequest(sdkSpans(3))!);
    expect(other.resources[0].resourceHash).toBe(scanSdk.resources[0].resourceHash);
    expect(scanExportRequest('traces', encodeTraces(decodeTraces(again))).resources[0].resourceHash).toBe(
      scanOurs.resources[0].resourceHash,
    );
    expect(scanSdk.traceIdOffsets).toHaveLength(50);
  });

  it('round-trips logs with a body of every AnyValue kind', () => {
    const request = sdkLogRequest();
    const data = decodeLogs(request.protobuf);
    const records = data.resourceLogs[0].scopeLogs[0].logRecords;
    expect(records.map((r) => r.body)).toEqual([
      { stringValue: 'a plain string body' },
      { intValue: 42n },
      { doubleValue: 3.25 },
      { boolValue: true },
      { bytesValue: new Uint8Array([0, 1, 2, 250, 255]) },
      {
        arrayValue: {
          values: [
            { stringValue: 'x' },
            { intValue: 1n },
            { boolValue: false },
            { arrayValue: { values: [{ stringValue: 'nested' }] } },
          ],
        },
      },
      {
        kvlistValue: {
          values: [
            { key: 'user', value: { stringValue: 'ada' } },
            { key: 'attempts', value: { intValue: 3n } },
            {
              key: 'nested',
              value: {
                kvlistValue: {
                  values: [
                    {
                      key: 'deep',
                      value: { arrayValue: { values: [{ doubleValue: 1.5 }, { stringValue: 'two' }] } },
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    ]);
    expect(records[0]).toMatchObject({
      severityNumber: 9,
      severityText: 'INFO',
      eventName: 'app.started',
      timeUnixNano: 1_700_000_000_000_000_000n,
    });
    expect(records[0].observedTimeUnixNano).toBeGreaterThan(0n);
    expect(records[1]).toMatchObject({ traceId: LOG_SPAN_CONTEXT.traceId, spanId: LOG_SPAN_CONTEXT.spanId, flags: 1 });
    expect(records[0]).toMatchObject({ traceId: '', spanId: '', flags: 0 });
    expect(decodeLogs(encodeLogs(data))).toEqual(data);
    expect(scanExportRequest('logs', request.protobuf).itemCount).toBe(request.items);
    expect(scanExportRequest('logs', encodeLogs(data)).itemCount).toBe(request.items);
  });

  it('round-trips metrics with gauge, sum, histogram, exponential histogram and a hand-built summary', async () => {
    const request = await sdkMetricsRequest();
    const data = decodeMetrics(request.protobuf);
    const metrics = data.resourceMetrics[0].scopeMetrics[0].metrics;
    const byName = new Map(metrics.map((m) => [m.name, m]));
    expect(byName.get('requests')?.sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
    expect(byName.get('requests')?.unit).toBe('{request}');
    expect(byName.get('inflight')?.sum?.isMonotonic).toBe(false);
    expect(byName.get('temperature')?.gauge?.dataPoints).toHaveLength(6);
    const histogram = byName.get('latency')?.histogram?.dataPoints[0];
    expect(histogram?.bucketCounts.length).toBe((histogram?.explicitBounds.length ?? 0) + 1);
    expect(histogram?.count).toBe(histogram?.bucketCounts.reduce((a, b) => a + b, 0n));
    const exp = byName.get('latency.exp')?.exponentialHistogram?.dataPoints;
    expect(exp?.length).toBe(6);
    const expTotal = exp!.map((p) => p.zeroCount + p.positive.bucketCounts.reduce((a, b) => a + b, 0n));
    expect(expTotal).toEqual(exp!.map((p) => p.count));

    const withSummary: MetricsData = structuredClone(data);
    withSummary.resourceMetrics[0].scopeMetrics[0].metrics.push({
      name: 'rpc.duration.summary',
      description: 'hand-built: the SDK has no summary',
      unit: 'ms',
      metadata: [{ key: 'origin', value: { stringValue: 'test' } }],
      summary: {
        dataPoints: [
          {
            attributes: [{ key: 'rpc', value: { stringValue: 'get' } }],
            startTimeUnixNano: 1n,
            timeUnixNano: 2n ** 63n + 5n,
            count: 10n,
            sum: 123.5,
            quantileValues: [
              { quantile: 0, value: 1 },
              { quantile: 0.5, value: 10.5 },
              { quantile: 1, value: -0 },
            ],
            flags: 1,
          },
        ],
      },
    });
    const encoded = encodeMetrics(withSummary);
    expect(decodeMetrics(encoded)).toEqual(withSummary);
    expect(scanExportRequest('metrics', request.protobuf).itemCount).toBe(request.items);
    expect(scanExportRequest('metrics', encoded).itemCount).toBe(request.items + 1);
  });

  it('keeps negative and 64-bit values exact', () => {
    const data = decodeLogs(
      encodeLogs({
        resourceLogs: [
          {
            resource: { attributes: [], droppedAttributesCount: 3 },
            schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
            scopeLogs: [
              {
                scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
                schemaUrl: '',
                logRecords: [
                  {
                    timeUnixNano: 2n ** 64n - 1n,
                    observedTimeUnixNano: 1n,
                    severityNumber: 24,
                    severityText: '',
                    body: { intValue: -(2n ** 63n) },
                    attributes: [
                      { key: 'max', value: { intValue: 2n ** 63n - 1n } },
                      { key: 'neg', value: { intValue: -1n } },
                      { key: 'empty', value: {} },
                      { key: 'emptyString', value: { stringValue: '' } },
                      { key: 'nan', value: { doubleValue: Number.NaN } },
                      { key: 'emptyList', value: { arrayValue: { values: [] } } },
                    ],
                    droppedAttributesCount: 0,
                    flags: 0xffffffff,
                    traceId: '0af7651916cd43dd8448eb211c80319c',
                    spanId: 'b7ad6b7169203331',
                    eventName: '',
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    const record = data.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(record.timeUnixNano).toBe(2n ** 64n - 1n);
    expect(record.body).toEqual({ intValue: -(2n ** 63n) });
    expect(record.attributes.map((a) => a.value)).toEqual([
      { intValue: 2n ** 63n - 1n },
      { intValue: -1n },
      {},
      { stringValue: '' },
      { doubleValue: Number.NaN },
      { arrayValue: { values: [] } },
    ]);
    expect(record.flags).toBe(0xffffffff);
    expect(record.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(data.resourceLogs[0].resource.droppedAttributesCount).toBe(3);
    expect(data.resourceLogs[0].schemaUrl).toBe('https://opentelemetry.io/schemas/1.30.0');
  });

  it('reads a request that sits at an offset inside a larger buffer (pooled Buffers, gRPC frames)', () => {
    const bytes = ProtobufTraceSerializer.serializeRequest(sdkSpans(7))!;
    const backing = new Uint8Array(bytes.length + 11).fill(0xff);
    backing.set(bytes, 5);
    const view = Buffer.from(backing.buffer, 5, bytes.length);
    expect(decodeTraces(view)).toEqual(decodeTraces(bytes));
    const scan = scanExportRequest('traces', view);
    expect(scan.itemCount).toBe(7);
    expect(scan.resources[0].end).toBe(bytes.length);
    expect(Buffer.from(scan.key!).toString('hex')).toBe(
      decodeTraces(bytes).resourceSpans[0].scopeSpans[0].spans[0].traceId,
    );
  });
});
