import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { beforeAll, describe, expect, it } from 'vitest';
import { OtelgateError } from '../errors/error-kinds.ts';
import type { KeyValue, Signal } from '../model/common.ts';
import { decodeExportRequest, decodeLogs } from './decode.ts';
import { encodeLogs } from './encode.ts';
import { sdkLogRequest, sdkMetricsRequest, sdkSpans } from './fixtures/sdk-requests.ts';
import { scanExportRequest } from './scan.ts';

function itemsOf(signal: Signal, bytes: Uint8Array): number {
  const data = decodeExportRequest(signal, bytes) as never;
  if (signal === 'traces') {
    return (data as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans
      .flatMap((r) => r.scopeSpans)
      .reduce((n, s) => n + s.spans.length, 0);
  }
  if (signal === 'logs') {
    return (data as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] }).resourceLogs
      .flatMap((r) => r.scopeLogs)
      .reduce((n, s) => n + s.logRecords.length, 0);
  }
  let n = 0;
  for (const rm of (data as import('../model/metrics.ts').MetricsData).resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        n += (m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary)?.dataPoints.length ?? 0;
      }
    }
  }
  return n;
}

type Outcome = { ok: true; items: number } | { ok: false; message: string };

function outcome(run: () => number): Outcome {
  try {
    return { ok: true, items: run() };
  } catch (error) {
    expect(error).toBeInstanceOf(OtelgateError);
    expect((error as OtelgateError).kind).toBe('invalid-argument');
    return { ok: false, message: (error as Error).message };
  }
}

/** Scanner and decoder must agree on every input: both refuse it, or both accept it with the same item count. */
function expectAgreement(signal: Signal, bytes: Uint8Array): Outcome {
  const scanned = outcome(() => scanExportRequest(signal, bytes).itemCount);
  const decoded = outcome(() => itemsOf(signal, bytes));
  expect(decoded.ok).toBe(scanned.ok);
  if (scanned.ok && decoded.ok) expect(decoded.items).toBe(scanned.items);
  return scanned;
}

/** AnyValue{arrayValue{values:[AnyValue{...}]}} nested `depth` deep, built inside out without recursion. */
function deepAnyValue(depth: number): Uint8Array {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  let inner: number[] = [];
  const chunks: number[][] = [];
  let length = 0;
  for (let i = 0; i < depth; i++) {
    const array = [0x0a, ...varint(length)]; // ArrayValue.values (1)
    const arrayLength = array.length + length;
    const any = [0x2a, ...varint(arrayLength)]; // AnyValue.array_value (5)
    chunks.push(array, any);
    length = any.length + arrayLength;
  }
  inner = chunks.reverse().flat();
  return Uint8Array.from(inner);
}

function logWithBody(body: Uint8Array): Uint8Array {
  // LogsData{resource_logs{scope_logs{log_records{body(5): body}}}} framed by hand.
  const frame = (tag: number, payload: Uint8Array): Uint8Array => {
    const len: number[] = [];
    let n = payload.length;
    while (n >= 0x80) {
      len.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    len.push(n);
    return Uint8Array.from([tag, ...len, ...payload]);
  };
  return frame(0x0a, frame(0x12, frame(0x12, frame(0x2a, body))));
}

/** A LogsData of one resource, one scope and one INFO record carrying `attributes`. */
function oneLogRecord(attributes: KeyValue[], resourceAttributes: KeyValue[] = []): Uint8Array {
  return encodeLogs({
    resourceLogs: [
      {
        resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: 1n,
                observedTimeUnixNano: 1n,
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: 'ok' },
                attributes,
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
}

let traces: Uint8Array;
let metrics: Uint8Array;
let logs: Uint8Array;

beforeAll(async () => {
  traces = ProtobufTraceSerializer.serializeRequest(sdkSpans(6))!;
  metrics = (await sdkMetricsRequest()).protobuf;
  logs = sdkLogRequest().protobuf;
});

describe('OTLP protobuf bad input', () => {
  it('answers a request truncated at every byte offset with invalid-argument or a valid shorter parse', () => {
    for (const [signal, bytes] of [
      ['traces', traces],
      ['metrics', metrics],
      ['logs', logs],
    ] as const) {
      let refused = 0;
      for (let cut = 0; cut < bytes.length; cut++) {
        if (!expectAgreement(signal, bytes.subarray(0, cut)).ok) refused++;
      }
      // Only cuts on a top-level field boundary can parse; every other offset must be refused.
      expect(refused).toBeGreaterThan(bytes.length - 10);
    }
  });

  it('refuses an AnyValue nested 10,000 deep without overflowing the stack (protobuf)', () => {
    const bytes = logWithBody(deepAnyValue(10_000));
    for (const run of [() => scanExportRequest('logs', bytes), () => decodeLogs(bytes)]) {
      expect(run).toThrow(OtelgateError);
      expect(run).toThrow(/nested deeper than 64 levels/);
    }
    // deepAnyValue(n) holds n + 1 AnyValues: the body is level 1, so 63 is the deepest allowed.
    expect(scanExportRequest('logs', logWithBody(deepAnyValue(63))).itemCount).toBe(1);
    expect(decodeLogs(logWithBody(deepAnyValue(63))).resourceLogs).toHaveLength(1);
    expect(() => scanExportRequest('logs', logWithBody(deepAnyValue(64)))).toThrow(/nested deeper than 64/);
    expect(() => decodeLogs(logWithBody(deepAnyValue(64)))).toThrow(/nested deeper than 64/);
    expect(() => scanExportRequest('logs', logWithBody(deepAnyValue(10)), { maxAnyValueDepth: 5 })).toThrow(
      /nested deeper than 5 levels/,
    );
  });

  it('refuses invalid UTF-8 naming the field', () => {
    const bytes = oneLogRecord([
      { key: 'a', value: { stringValue: 'fine' } },
      { key: 'b', value: { stringValue: 'caf\u00e9 MARK' } },
    ]);
    const at = Buffer.from(bytes).indexOf('MARK');
    bytes[at] = 0xff;
    const expected = 'resourceLogs[0].scopeLogs[0].logRecords[0].attributes[1].value.stringValue: invalid UTF-8';
    expect(() => scanExportRequest('logs', bytes)).toThrow(expected);
    expect(() => decodeLogs(bytes)).toThrow(expected);
  });

  it('refuses trace ids that are not 16 bytes, naming the span', () => {
    const spans = sdkSpans(3);
    const bytes = ProtobufTraceSerializer.serializeRequest(spans)!;
    const id = Buffer.from(spans[2].spanContext().traceId, 'hex');
    const copy = bytes.slice();
    // A span's trace id is its field 1: tag 0x0a, length 16, the id. Announce 15 bytes instead.
    const idAt = Buffer.from(copy).indexOf(Buffer.concat([Buffer.from([0x0a, 0x10]), id]));
    expect(idAt).toBeGreaterThan(0);
    copy[idAt + 1] = 15;
    const message = /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[\d\]\.traceId: trace id of 15 bytes, expected 16/;
    expect(() => scanExportRequest('traces', copy)).toThrow(message);
    expect(() => decodeExportRequest('traces', copy)).toThrow(message);
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = Uint8Array.from([
      0xf8,
      0x07,
      0x96,
      0x01, // field 127 varint
      0xf9,
      0x07,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // field 127 fixed64
      0xfa,
      0x07,
      2,
      0xff,
      0xfe, // field 127 LEN
      0xfd,
      0x07,
      1,
      2,
      3,
      4, // field 127 fixed32
      0xfb,
      0x07,
      0x08,
      0x01,
      0xfc,
      0x07, // field 127 group holding field 1 varint
    ]);
    const withUnknown = new Uint8Array(unknown.length + logs.length);
    withUnknown.set(unknown);
    withUnknown.set(logs, unknown.length);
    expect(expectAgreement('logs', withUnknown)).toEqual({ ok: true, items: 7 });
  });

  it('agrees with the decoder on any byte changed in plain attributes (the scanner takes them on a fast path)', () => {
    const attributes = [
      { key: 'http.route', value: { stringValue: '/api/items/:id' } },
      { key: 'empty', value: { stringValue: '' } },
      { key: 'n', value: { intValue: -5n } },
      { key: 'big', value: { intValue: 1234567n } },
      { key: 'ok', value: { boolValue: true } },
      { key: 'ratio', value: { doubleValue: 0.25 } },
      { key: '', value: { intValue: 0n } },
    ];
    const bytes = oneLogRecord(attributes, attributes);
    expect(expectAgreement('logs', bytes)).toEqual({ ok: true, items: 1 });
    const values = [0x00, 0x01, 0x02, 0x08, 0x0a, 0x10, 0x12, 0x18, 0x21, 0x22, 0x7f, 0x80, 0xc3, 0xff];
    let refused = 0;
    for (let at = 0; at < bytes.length; at++) {
      for (const value of [...values, bytes[at] + 1, bytes[at] - 1]) {
        const mutated = bytes.slice();
        mutated[at] = value;
        const scanned = expectAgreement('logs', mutated);
        if (!scanned.ok) {
          refused++;
          expect(scanned).toEqual(outcome(() => itemsOf('logs', mutated)));
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('never crashes on random or mutated bytes, and scanner and decoder always agree (seeded fuzz)', () => {
    let seed = 0x2f6b_1d3a;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const inputs = [
      ['traces', traces],
      ['metrics', metrics],
      ['logs', logs],
    ] as const;
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const [signal, valid] = inputs[i % 3];
      let bytes: Uint8Array;
      if (i % 10 === 0) {
        bytes = Uint8Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256));
      } else {
        bytes = valid.slice();
        const mutations = 1 + Math.floor(random() * 4);
        for (let m = 0; m < mutations; m++) {
          const at = Math.floor(random() * bytes.length);
          const how = random();
          if (how < 0.6) bytes[at] = Math.floor(random() * 256);
          else if (how < 0.8) bytes[at] ^= 1 << Math.floor(random() * 8);
          else
            bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + Math.floor(random() * 8))]);
        }
      }
      const started = performance.now();
      if (expectAgreement(signal, bytes).ok) accepted++;
      // Generous: a case is sub-millisecond; this only catches runaway loops.
      expect(performance.now() - started).toBeLessThan(2000);
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(3000);
  });
});
