import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { OtelgateError } from '../errors/error-kinds.ts';
import { decodeTraces } from './decode.ts';
import { encodeLogs, encodeTraces } from './encode.ts';
import { sdkLogRequest, sdkSpans } from './fixtures/sdk-requests.ts';
import { countSpansByTraceId, scanExportRequest, traceIdHex } from './scan.ts';

describe('scanExportRequest', () => {
  it('reports per resource its byte range, items, hash and first trace id, and keys traces by trace id', () => {
    const data = decodeTraces(ProtobufTraceSerializer.serializeRequest(sdkSpans(12))!);
    const other = structuredClone(data.resourceSpans[0]);
    other.resource.attributes = [{ key: 'service.name', value: { stringValue: 'other' } }];
    other.scopeSpans[0].spans = other.scopeSpans[0].spans.slice(5, 8);
    data.resourceSpans.push(other);
    const bytes = encodeTraces(data);
    const scan = scanExportRequest('traces', bytes);
    expect(scan.itemCount).toBe(15);
    expect(scan.resources.map((r) => r.itemCount)).toEqual([12, 3]);
    expect(scan.resources[0].start).toBe(0);
    expect(scan.resources[0].end).toBe(scan.resources[1].start);
    expect(scan.resources[1].end).toBe(bytes.length);
    expect(scan.resources[0].resourceHash).not.toBe(scan.resources[1].resourceHash);
    const spans = data.resourceSpans.map((rs) => rs.scopeSpans[0].spans);
    expect(scan.resources.map((r) => r.firstTraceId)).toEqual([spans[0][0].traceId, spans[1][0].traceId]);
    expect(Buffer.from(scan.key!).toString('hex')).toBe(spans[0][0].traceId);
    expect([...scan.traceIdOffsets].map((o) => traceIdHex(bytes, o))).toEqual(spans.flat().map((s) => s.traceId));
    const counts = countSpansByTraceId(bytes, scan);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(15);
    expect(counts.get(spans[0][0].traceId)).toBe(spans.flat().filter((s) => s.traceId === spans[0][0].traceId).length);
  });

  it('keys metrics and logs by the 4-byte resource hash, equal for equal resources', () => {
    const bytes = sdkLogRequest().protobuf;
    const scan = scanExportRequest('logs', bytes);
    expect(scan.traceIdOffsets).toHaveLength(0);
    expect(scan.key).toEqual(new Uint8Array(new Uint32Array([scan.resources[0].resourceHash]).buffer).reverse());
    expect(scanExportRequest('logs', sdkLogRequest().protobuf).resources[0].resourceHash).toBe(
      scan.resources[0].resourceHash,
    );
    expect(scanExportRequest('logs', new Uint8Array(0))).toMatchObject({ itemCount: 0, resources: [], key: undefined });
  });

  it('enforces an optional attribute limit per item', () => {
    const bytes = encodeLogs({
      resourceLogs: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: [
                {
                  timeUnixNano: 0n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 0,
                  severityText: '',
                  body: {},
                  attributes: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: { intValue: BigInt(i) } })),
                  droppedAttributesCount: 0,
                  flags: 0,
                  traceId: '',
                  spanId: '',
                  eventName: '',
                },
              ],
            },
          ],
        },
      ],
    });
    expect(scanExportRequest('logs', bytes).itemCount).toBe(1);
    expect(scanExportRequest('logs', bytes, { maxAttributesPerItem: 100 }).itemCount).toBe(1);
    const refuse = () => scanExportRequest('logs', bytes, { maxAttributesPerItem: 99 });
    expect(refuse).toThrow(OtelgateError);
    expect(refuse).toThrow('resourceLogs[0].scopeLogs[0].logRecords[0].attributes[99]: more than 99 attributes');
  });
});
