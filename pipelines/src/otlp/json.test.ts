import { describe, expect, it } from 'vitest';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { LogsData } from '../model/logs.ts';
import { decodeExportRequest, decodeLogs, decodeMetrics, decodeTraces } from './decode.ts';
import { sdkLogRequest, sdkMetricsRequest, sdkTraceRequest } from './fixtures/sdk-requests.ts';
import { jsonToProto, parseOtlpJson, toOtlpJson } from './json.ts';
import { scanExportRequest } from './scan.ts';

function invalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OtelgateError);
    expect((error as OtelgateError).kind).toBe('invalid-argument');
    expect((error as OtelgateError).httpStatus).toBe(400);
    return (error as Error).message;
  }
  throw new Error('expected the input to be refused');
}

describe('OTLP/JSON', () => {
  it('parses the SDK JSON serializer output to the same model as its protobuf output', async () => {
    const traces = sdkTraceRequest(20, 12);
    expect(parseOtlpJson('traces', traces.json)).toEqual(decodeTraces(traces.protobuf));
    const logs = sdkLogRequest();
    expect(parseOtlpJson('logs', logs.json)).toEqual(decodeLogs(logs.protobuf));
    const metrics = await sdkMetricsRequest();
    expect(parseOtlpJson('metrics', metrics.json)).toEqual(decodeMetrics(metrics.protobuf));
  });

  it('transcodes JSON to protobuf that scans and decodes to the same model', async () => {
    for (const [signal, request] of [
      ['traces', sdkTraceRequest(10)],
      ['logs', sdkLogRequest()],
      ['metrics', await sdkMetricsRequest()],
    ] as const) {
      const proto = jsonToProto(signal, request.json);
      expect(scanExportRequest(signal, proto).itemCount).toBe(request.items);
      expect(decodeExportRequest(signal, proto)).toEqual(parseOtlpJson(signal, request.json));
    }
  });

  it('writes OTLP/JSON that parses back to the same model, with 64-bit integers as strings and hex ids', async () => {
    for (const [signal, request] of [
      ['traces', sdkTraceRequest(10)],
      ['logs', sdkLogRequest()],
      ['metrics', await sdkMetricsRequest()],
    ] as const) {
      const data = decodeExportRequest(signal, request.protobuf);
      const text = toOtlpJson(signal, data);
      expect(parseOtlpJson(signal, text)).toEqual(data);
    }
    const traces = decodeTraces(sdkTraceRequest(1).protobuf);
    const written = JSON.parse(toOtlpJson('traces', traces));
    const span = written.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.startTimeUnixNano).toBe('1700000000123456789');
    expect(span.kind).toBe(2);
    expect(span).not.toHaveProperty('parentSpanId');
    expect(span.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: '200' } });
    expect(span.status).toEqual({ message: 'upstream timed out', code: 2 });
  });

  it('accepts snake_case names, enums by name, int64 as numbers and base64 bytes', () => {
    const parsed = parseOtlpJson(
      'logs',
      JSON.stringify({
        resource_logs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
            scope_logs: [
              {
                log_records: [
                  {
                    time_unix_nano: 1700000000000000000,
                    observed_time_unix_nano: '1700000000000000001',
                    severity_number: 'SEVERITY_NUMBER_WARN',
                    body: { bytes_value: Buffer.from('hi').toString('base64') },
                    attributes: [{ key: 'n', value: { int_value: 7 } }],
                    trace_id: '0AF7651916CD43DD8448EB211C80319C',
                    span_id: Buffer.from('b7ad6b7169203331', 'hex').toString('base64'),
                  },
                ],
              },
            ],
          },
        ],
      }),
    ) as LogsData;
    const record = parsed.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(record).toMatchObject({
      timeUnixNano: 1700000000000000000n,
      observedTimeUnixNano: 1700000000000000001n,
      severityNumber: 13,
      body: { bytesValue: new Uint8Array([104, 105]) },
      attributes: [{ key: 'n', value: { intValue: 7n } }],
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
    expect(parsed.resourceLogs[0].resource.attributes[0].value).toEqual({ stringValue: 'svc' });
    const spans = parseOtlpJson(
      'traces',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_ERROR"}}]}]}]}',
    );
    expect(spans.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ kind: 3, status: { code: 2 } });
  });

  it('accepts the empty object as an empty request and refuses non-OTLP JSON with 400', () => {
    expect(parseOtlpJson('traces', '{}')).toEqual({ resourceSpans: [] });
    expect(jsonToProto('metrics', new TextEncoder().encode('{}'))).toHaveLength(0);
    expect(invalid(() => parseOtlpJson('traces', '{"foo":1}'))).toMatch(/not an OTLP\/JSON traces request/);
    expect(invalid(() => parseOtlpJson('traces', '[]'))).toMatch(/expected a JSON object/);
    expect(invalid(() => parseOtlpJson('traces', 'null'))).toMatch(/expected a JSON object/);
    expect(invalid(() => parseOtlpJson('traces', ''))).toMatch(/not valid JSON/);
    expect(invalid(() => parseOtlpJson('logs', '{"resourceLogs":{}}'))).toMatch(/resourceLogs: expected an array/);
    expect(invalid(() => parseOtlpJson('logs', new Uint8Array([0x7b, 0xff, 0x7d])))).toMatch(/invalid UTF-8/);
    const badId = '{"resourceSpans":[{"scopeSpans":[{"spans":[{},{"traceId":"abc"}]}]}]}';
    expect(invalid(() => parseOtlpJson('traces', badId))).toBe(
      'resourceSpans[0].scopeSpans[0].spans[1].traceId: expected 32 hex digits, got string "abc"',
    );
    const badInt =
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"k","value":{"intValue":"1.5"}}]}]}]}]}';
    expect(invalid(() => parseOtlpJson('logs', badInt))).toMatch(
      /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.attributes\[0\]\.value\.intValue: expected an integer/,
    );
    const loneSurrogate = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText":"\\ud800"}]}]}]}';
    expect(invalid(() => parseOtlpJson('logs', loneSurrogate))).toMatch(/severityText: invalid UTF-8/);
  });

  it('keeps 64-bit integers written as JSON numbers exact (times, intValue, counts), as strings do', async () => {
    const spans = parseOtlpJson(
      'traces',
      new TextEncoder().encode(
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1544712660123456789,' +
          '"endTimeUnixNano":1.544712660123456789e18,"attributes":[{"key":"n","value":{"intValue":9007199254740993}},' +
          '{"key":"min","value":{"intValue":-9223372036854775808}},{"key":"d","value":{"doubleValue":9007199254740993}}]}]}]}]}',
      ),
    );
    const span = spans.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.startTimeUnixNano).toBe(1544712660123456789n);
    expect(span.endTimeUnixNano).toBe(1544712660123456789n);
    expect(span.attributes).toEqual([
      { key: 'n', value: { intValue: 9007199254740993n } },
      { key: 'min', value: { intValue: -9223372036854775808n } },
      { key: 'd', value: { doubleValue: 9007199254740992 } },
    ]);
    const metrics = parseOtlpJson(
      'metrics',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"count":18446744073709551615,' +
        '"bucketCounts":[9007199254740993,1],"timeUnixNano":1544712660123456789}]}}]}]}]}',
    );
    const point = metrics.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram?.dataPoints[0];
    expect(point).toMatchObject({
      count: 18446744073709551615n,
      bucketCounts: [9007199254740993n, 1n],
      timeUnixNano: 1544712660123456789n,
    });
    expect(
      invalid(() =>
        parseOtlpJson(
          'logs',
          '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":18446744073709551616}]}]}]}',
        ),
      ),
    ).toMatch(/timeUnixNano: 18446744073709551616 out of range/);
  });

  it('finds a repeated key in a body over 4 MiB too (counted outside WebAssembly memory)', () => {
    const record = '{"severityText":"INFO","attributes":[{"key":"k","value":{"stringValue":"v"}}]}';
    const records = new Array(60_000).fill(record).join(',');
    const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${records},{"flags":1,"flags":2}]}]}]}`;
    expect(body.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(invalid(() => parseOtlpJson('logs', new TextEncoder().encode(body)))).toMatch(
      /logRecords\[60000\]: duplicate key "flags"$/,
    );
  });

  it('keeps a present-but-empty log body through JSON and protobuf, and an absent one absent', () => {
    const json =
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{}},{},{"body":null},{"attributes":[{"key":"e","value":{}}]}]}]}]}';
    const records = parseOtlpJson('logs', json).resourceLogs[0].scopeLogs[0].logRecords;
    expect(records.map((r) => r.body)).toEqual([{}, undefined, undefined, undefined]);
    const again = decodeLogs(jsonToProto('logs', json)).resourceLogs[0].scopeLogs[0].logRecords;
    expect(again.map((r) => r.body)).toEqual([{}, undefined, undefined, undefined]);
    expect(again[3].attributes).toEqual([{ key: 'e', value: {} }]);
    const written = JSON.parse(toOtlpJson('logs', decodeLogs(jsonToProto('logs', json))));
    const out = written.resourceLogs[0].scopeLogs[0].logRecords;
    expect(out[0].body).toEqual({});
    expect(out[1]).not.toHaveProperty('body');
  });

  it('refuses an object that repeats a key with 400 naming the key and where it is', () => {
    const twoArrays =
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"lost"}]}]}],"resourceSpans":[{"scopeSpans":[]}]}';
    expect(invalid(() => parseOtlpJson('traces', twoArrays))).toBe('duplicate key "resourceSpans"');
    expect(invalid(() => jsonToProto('traces', new TextEncoder().encode(twoArrays)))).toBe(
      'duplicate key "resourceSpans"',
    );
    const deep = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{"attributes":[{"key":"a","key":"b"}]}]}]}]}';
    expect(invalid(() => parseOtlpJson('logs', deep))).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[1].attributes[0]: duplicate key "key"',
    );
    // Spaced-out colons and unknown fields take the exact reader; the result is the same.
    const spaced = '{ "resourceSpans" : [ { "scopeSpans" : [ { "spans" : [ { "name" : "a", "name" : "b" } ] } ] } ] }';
    expect(invalid(() => parseOtlpJson('traces', spaced))).toMatch(/spans\[0\]: duplicate key "name"$/);
    const unknown = '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a\\":","extra":{"x":1,"x":2}}]}]}]}';
    expect(invalid(() => parseOtlpJson('traces', unknown))).toMatch(/extra: duplicate key "x"$/);
    const fine = '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a\\":","extra":{"x":1}}]}]}]}';
    expect(parseOtlpJson('traces', new TextEncoder().encode(fine)).resourceSpans[0].scopeSpans[0].spans[0].name).toBe(
      'a":',
    );
  });

  it('ignores __proto__ and constructor keys and never touches Object.prototype', () => {
    const hostile =
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"resourceLogs":[{"__proto__":{"polluted":"yes"},' +
      '"scopeLogs":[{"logRecords":[{"__proto__":{"isAdmin":true},"attributes":[{"key":"__proto__","value":{"__proto__":{"polluted":1},"stringValue":"x"}}]}]}]}]}';
    const data = parseOtlpJson('logs', hostile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const record = data.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(record.attributes).toEqual([{ key: '__proto__', value: { stringValue: 'x' } }]);
    expect(decodeLogs(jsonToProto('logs', hostile)).resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].key).toBe(
      '__proto__',
    );
  });

  it('refuses an AnyValue nested 10,000 deep (JSON) without overflowing the stack', () => {
    const depth = 10_000;
    const value = '{"arrayValue":{"values":['.repeat(depth) + '{}' + ']}}'.repeat(depth);
    const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value}}]}]}]}`;
    expect(invalid(() => parseOtlpJson('logs', body))).toMatch(/nested deeper than 64 levels$/);
    expect(invalid(() => jsonToProto('logs', body))).toMatch(
      /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body/,
    );
    const ok = '{"arrayValue":{"values":['.repeat(63) + '{}' + ']}}'.repeat(63);
    expect(
      parseOtlpJson('logs', `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${ok}}]}]}]}`).resourceLogs,
    ).toHaveLength(1);
  });

  it('never crashes on mutated JSON, and whatever it accepts transcodes to protobuf the scanner accepts (seeded fuzz)', async () => {
    let seed = 0x1234_5678;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const inputs = [
      ['traces', new TextDecoder().decode(sdkTraceRequest(3).json)],
      ['logs', new TextDecoder().decode(sdkLogRequest().json)],
      ['metrics', new TextDecoder().decode((await sdkMetricsRequest()).json)],
    ] as const;
    const alphabet = '{}[]":,0123456789-.eE truefalsnul\\u00ffABCDEF';
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const [signal, valid] = inputs[i % 3];
      const chars = valid.split('');
      for (let m = 0, n = 1 + Math.floor(random() * 3); m < n; m++) {
        const at = Math.floor(random() * chars.length);
        if (random() < 0.7) chars[at] = alphabet[Math.floor(random() * alphabet.length)];
        else chars.splice(at, 1 + Math.floor(random() * 5));
      }
      const text = chars.join('');
      let proto: Uint8Array;
      try {
        proto = jsonToProto(signal, text);
      } catch (error) {
        expect(error).toBeInstanceOf(OtelgateError);
        expect((error as OtelgateError).kind).toBe('invalid-argument');
        continue;
      }
      accepted++;
      expect(() => scanExportRequest(signal, proto)).not.toThrow();
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
