import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { LogsData } from '../model/logs.ts';
import type { MetricsData } from '../model/metrics.ts';
import type { Span, TracesData } from '../model/traces.ts';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.ts';
import { encodeLogs, encodeMetrics, encodeTraces } from './encode.ts';
import { sdkSpans } from './fixtures/sdk-requests.ts';
import { encodeExportResponse, exportResponseJson } from './response.ts';
import { scanExportRequest } from './scan.ts';
import { groupTracesByPartition, groupTracesByTraceId, sliceByResource, splitToFit } from './slice.ts';
import { varintSize, writeFieldHeader } from './wire-writer.ts';

/** Three resources (one large), two scopes each: spans tagged with where they came from. */
function multiResourceTraces(): TracesData {
  const spans = decodeTraces(ProtobufTraceSerializer.serializeRequest(sdkSpans(60, 12))!).resourceSpans[0].scopeSpans[0]
    .spans;
  let next = 0;
  const take = (n: number): Span[] => {
    next += n;
    return spans.slice(next - n, next);
  };
  return {
    resourceSpans: ['frontend', 'checkout', 'payments'].map((service, r) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }], droppedAttributesCount: 0 },
      schemaUrl: `https://example.com/${r}`,
      scopeSpans: ['http', 'db'].map((scope) => ({
        scope: { name: scope, version: '1', attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        spans: take(r === 1 ? 20 : 5),
      })),
    })),
  };
}

/** One resource, one scope, `count` empty spans (2 bytes each): the smallest items a request can hold. */
function emptySpansRequest(count: number): Uint8Array {
  const spans = Buffer.alloc(2 * count);
  for (let i = 0; i < count; i++) spans[2 * i] = 0x12; // field 2 (spans), length 0
  const scopeSpans = Buffer.concat([lengthDelimited(2, spans.length), spans]);
  return Buffer.concat([lengthDelimited(1, scopeSpans.length), scopeSpans]);
}

function lengthDelimited(field: number, length: number): Buffer {
  const header = Buffer.alloc(1 + varintSize(length));
  writeFieldHeader(header, 0, field, length);
  return header;
}

/** Every span with the names of its resource's service and its scope, in order. */
function flatten(data: TracesData): { service: unknown; scope: string; spanId: string }[] {
  return data.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((span) => ({
        service: rs.resource.attributes[0]?.value,
        scope: ss.scope.name,
        spanId: span.spanId,
      })),
    ),
  );
}

describe('re-slicing requests', () => {
  it('slices a request into one request per resource', () => {
    const bytes = encodeTraces(multiResourceTraces());
    const slices = sliceByResource(bytes, scanExportRequest('traces', bytes));
    expect(slices).toHaveLength(3);
    expect(slices.map((s) => scanExportRequest('traces', s).itemCount)).toEqual([10, 40, 10]);
    expect(slices.flatMap((s) => flatten(decodeTraces(s)))).toEqual(flatten(decodeTraces(bytes)));
  });

  it('splits at resource, scope and span boundaries so every part fits, keeping every span in order', () => {
    const data = multiResourceTraces();
    const bytes = encodeTraces(data);
    for (const maxBytes of [bytes.length, 20_000, 6_000, 3_000, 1_500]) {
      const parts = splitToFit('traces', bytes, maxBytes);
      for (const part of parts) expect(part.length).toBeLessThanOrEqual(maxBytes);
      expect(parts.flatMap((p) => flatten(decodeTraces(p)))).toEqual(flatten(data));
      if (maxBytes < bytes.length) expect(parts.length).toBeGreaterThan(1);
    }
    const small = splitToFit('traces', bytes, 1_500);
    const resourceOf = decodeTraces(small[small.length - 1]).resourceSpans[0];
    expect(resourceOf.schemaUrl).toBe('https://example.com/2');
  });

  it('splits a request of a million empty spans in one scope into fitting parts, every span kept', () => {
    const spanCount = 1_000_000;
    const bytes = emptySpansRequest(spanCount);
    const maxBytes = 1024 * 1024;
    const parts = splitToFit('traces', bytes, maxBytes);
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(maxBytes);
    expect(parts.reduce((n, part) => n + scanExportRequest('traces', part).itemCount, 0)).toBe(spanCount);
  });

  it('refuses a single record larger than the limit, naming its service', () => {
    const logs: LogsData = {
      resourceLogs: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'big-logger' } }],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: [10, 5000, 10].map((size) => ({
                timeUnixNano: 1n,
                observedTimeUnixNano: 1n,
                severityNumber: 9,
                severityText: '',
                body: { stringValue: 'x'.repeat(size) },
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              })),
            },
          ],
        },
      ],
    };
    const bytes = encodeLogs(logs);
    const run = () => splitToFit('logs', bytes, 1000);
    expect(run).toThrow(OtelgateError);
    expect(run).toThrow(/service "big-logger"/);
    try {
      run();
    } catch (error) {
      expect((error as OtelgateError).kind).toBe('payload-too-large');
    }
    const parts = splitToFit('logs', bytes, bytes.length - 1);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.flatMap((p) => decodeLogs(p).resourceLogs[0].scopeLogs[0].logRecords)).toHaveLength(3);
    expect(() => splitToFit('logs', ProtobufLogsSerializer.serializeRequest([])!, 10)).not.toThrow();
  });

  it('cuts a metric too large for one part between its data points, keeping name, temporality and order', () => {
    const point = (i: number) => ({
      attributes: [{ key: 'series', value: { stringValue: `s-${i}`.padEnd(40, '.') } }],
      startTimeUnixNano: 1n,
      timeUnixNano: BigInt(1000 + i),
      asInt: BigInt(i),
      exemplars: [],
      flags: 0,
    });
    const data: MetricsData = {
      resourceMetrics: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'meter' } }],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeMetrics: [
            {
              scope: { name: 'm', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              metrics: [
                { name: 'small', description: '', unit: '', metadata: [], gauge: { dataPoints: [point(-1)] } },
                {
                  name: 'requests',
                  description: 'many series',
                  unit: '{request}',
                  metadata: [],
                  sum: {
                    dataPoints: Array.from({ length: 200 }, (_, i) => point(i)),
                    aggregationTemporality: 2,
                    isMonotonic: true,
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const bytes = encodeMetrics(data);
    const parts = splitToFit('metrics', bytes, 1000);
    expect(parts.length).toBeGreaterThan(10);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1000);
    const metrics = parts.flatMap((p) =>
      decodeMetrics(p).resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)),
    );
    expect(metrics[0].name).toBe('small');
    const pieces = metrics.slice(1);
    for (const m of pieces) {
      expect(m).toMatchObject({ name: 'requests', description: 'many series', unit: '{request}' });
      expect(m.sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    }
    expect(pieces.flatMap((m) => m.sum!.dataPoints)).toEqual(
      data.resourceMetrics[0].scopeMetrics[0].metrics[1].sum!.dataPoints,
    );
    expect(scanExportRequest('metrics', bytes).itemCount).toBe(
      parts.reduce((n, p) => n + scanExportRequest('metrics', p).itemCount, 0),
    );
    expect(() => splitToFit('metrics', bytes, 150)).toThrow(/service "meter"/);
  });

  it('groups spans by trace id, repeating resource and scope, with the trace id as key', () => {
    const data = multiResourceTraces();
    const bytes = encodeTraces(data);
    const groups = groupTracesByTraceId(bytes);
    const spans = flatten(data);
    expect(groups.reduce((n, g) => n + g.spanCount, 0)).toBe(spans.length);
    const allSpans = data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(groups).toHaveLength(new Set(allSpans.map((s) => s.traceId)).size);
    for (const group of groups) {
      const decoded = decodeTraces(group.bytes);
      const groupSpans = decoded.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      expect(groupSpans).toHaveLength(group.spanCount);
      expect(new Set(groupSpans.map((s) => s.traceId))).toEqual(new Set([group.traceId]));
      expect(Buffer.from(group.key!).toString('hex')).toBe(group.traceId);
      expect(decoded.resourceSpans[0].resource.attributes[0].key).toBe('service.name');
      expect(decoded.resourceSpans[0].scopeSpans[0].scope.name).not.toBe('');
    }
    const capped = groupTracesByTraceId(bytes, 2);
    expect(capped).toHaveLength(3);
    expect(capped[2].key).toBeUndefined();
    expect(capped.reduce((n, g) => n + g.spanCount, 0)).toBe(spans.length);
  });

  it('groups spans per partition of their trace id: every trace whole in one group, keyed into that partition', () => {
    const data = multiResourceTraces();
    const bytes = encodeTraces(data);
    const partitions = 3;
    const partitionOf = (id: Uint8Array) => (id[0] + id[15]) % partitions;
    const groups = groupTracesByPartition(bytes, partitionOf);
    expect(groups.length).toBeLessThanOrEqual(partitions);
    const allSpans = data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    expect(groups.reduce((n, g) => n + g.spanCount, 0)).toBe(allSpans.length);
    const seen = new Set<string>();
    for (const group of groups) {
      const groupSpans = decodeTraces(group.bytes).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans),
      );
      expect(groupSpans).toHaveLength(group.spanCount);
      const partition = partitionOf(group.key!);
      for (const span of groupSpans) {
        expect(partitionOf(Buffer.from(span.traceId, 'hex'))).toBe(partition);
        seen.add(span.spanId);
      }
    }
    expect(seen.size).toBe(allSpans.length);
  });
});

describe('export responses', () => {
  it('encodes partial success as the SDK reads it, and the empty message otherwise', () => {
    expect(encodeExportResponse('traces')).toHaveLength(0);
    const bytes = encodeExportResponse('traces', { rejected: 7, errorMessage: 'spans too old ü' });
    expect(ProtobufTraceSerializer.deserializeResponse(bytes)).toMatchObject({
      partialSuccess: { rejectedSpans: 7, errorMessage: 'spans too old ü' },
    });
    expect(JSON.parse(exportResponseJson('metrics', { rejected: 3n, errorMessage: 'bad' }))).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: 'bad' },
    });
    expect(exportResponseJson('logs')).toBe('{}');
  });
});
