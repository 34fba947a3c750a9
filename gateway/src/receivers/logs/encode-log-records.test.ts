import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { decodeLogs } from '@otelgate/pipelines/otlp/decode.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import { describe, expect, it } from 'vitest';
import type { FileReader } from '../filelog/file-reader.ts';
import { LOG_BATCH_SCOPE, LogBatch } from '../filelog/log-batch.ts';
import { encodeLogRecords } from './encode-log-records.ts';
import { LogRecordsWriter } from './log-records-writer.ts';

function record(body: string, attributes: KeyValue[], extra: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: 0n,
    observedTimeUnixNano: 1_700_000_000_000_000_000n,
    severityNumber: 0,
    severityText: '',
    body: { stringValue: body },
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    ...extra,
  };
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

function fakeReader(resourceAttributes: KeyValue[]): FileReader {
  return { resourceAttributes, durableOffset: 0 } as unknown as FileReader;
}

function encodeGroups(batch: LogBatch): Uint8Array {
  const groups = [...batch.groups].map(([reader, group]) => ({
    resource: reader.resourceAttributes,
    scopeName: LOG_BATCH_SCOPE,
    records: group.records,
    sharedAttributeLists: true,
  }));
  const bytes = encodeLogRecords(groups);
  if (!bytes) throw new Error('not encoded');
  return bytes;
}

describe('encodeLogRecords', () => {
  it('writes the same bytes as the generic encoder', () => {
    const batch = new LogBatch(100, 1 << 20);
    const pod = fakeReader([
      str('k8s.namespace.name', 'shop'),
      { key: 'k8s.container.restart_count', value: { intValue: 3n } },
    ]);
    const plain = fakeReader([]);
    const stdout = [str('log.file.path', '/var/log/pods/shop_a_b/c/3.log'), str('log.iostream', 'stdout')];
    const plainAttributes = [str('log.file.path', '/tmp/x.log'), str('log.file.name', 'x.log')];
    batch.add(
      pod,
      record('héllo wörld ✓ 😀', stdout, { timeUnixNano: 5n, severityNumber: 17, severityText: 'ERROR' }),
      1,
    );
    batch.add(pod, record(`lone \ud800 surrogate ${'x'.repeat(300)}`, stdout), 1);
    batch.add(plain, record('plain line', plainAttributes), 1);
    batch.add(plain, record('', plainAttributes, { severityText: 'wärn', severityNumber: 13 }), 1);
    expect(Buffer.from(encodeGroups(batch)).equals(Buffer.from(encodeLogs(batch.toLogsData())))).toBe(true);
  });

  it('writes structured data (nested key-value lists) as the generic encoder does', () => {
    const batch = new LogBatch(100, 1 << 20);
    const sd: KeyValue = {
      key: 'syslog.structured_data',
      value: { kvlistValue: { values: [{ key: 'ex@1', value: { kvlistValue: { values: [str('k', 'v')] } } }] } },
    };
    batch.add(fakeReader([]), record('msg', [{ key: 'syslog.facility', value: { intValue: 16n } }, sd]), 1);
    expect(Buffer.from(encodeGroups(batch)).equals(Buffer.from(encodeLogs(batch.toLogsData())))).toBe(true);
  });

  it('leaves what it does not handle (a double attribute) to the generic encoder', () => {
    const batch = new LogBatch(100, 1 << 20);
    batch.add(fakeReader([]), record('x', [{ key: 'ratio', value: { doubleValue: 0.5 } }]), 1);
    expect(
      encodeLogRecords([
        {
          resource: [],
          scopeName: LOG_BATCH_SCOPE,
          records: batch.groups.values().next().value?.records ?? [],
          sharedAttributeLists: false,
        },
      ]),
    ).toBeUndefined();
  });
});

describe('LogRecordsWriter', () => {
  const resource = [str('service.name', 'shop')];
  const logsData = (records: LogRecord[]) => ({
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: { name: 'otelgate/test', version: '', attributes: [], droppedAttributesCount: 0 },
            logRecords: records,
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  });

  it('writes, record by record and growing from a tiny buffer, what the generic encoder writes', () => {
    const attributes = [str('syslog.hostname', 'h'), { key: 'syslog.facility', value: { intValue: 20n } }];
    const records = Array.from({ length: 50 }, (_, i) =>
      record(`message ${i} ✓ ${'y'.repeat(i * 7)}`, attributes, { timeUnixNano: BigInt(i + 1), severityNumber: 9 }),
    );
    const writer = new LogRecordsWriter(resource, 'otelgate/test', false, 8);
    for (const item of records) writer.add(item);
    const bytes = writer.finish();
    expect(writer.count).toBe(50);
    expect(bytes.equals(Buffer.from(encodeLogs(logsData(records))))).toBe(true);
    expect(writer.bytes).toBeLessThan(bytes.length);
  });

  it('writes string attributes of their own per record (empty, multi-byte, past one varint byte) as the generic encoder does', () => {
    const values = ['', 'a', 'é✓😀', 'v'.repeat(127), 'w'.repeat(128), 'x'.repeat(300)];
    const keys = ['', 'syslog.procid', 'ключ', 'k'.repeat(130)];
    const records = keys.flatMap((key) =>
      values.map((value, i) =>
        record(`message ${i}`, [str(key, value), str('syslog.msgid', `${key.length}-${i}`)], { severityNumber: 9 }),
      ),
    );
    const writer = new LogRecordsWriter(resource, 'otelgate/test', false, 8);
    for (const item of records) writer.add(item);
    expect(writer.finish().equals(Buffer.from(encodeLogs(logsData(records))))).toBe(true);
  });

  it('writes lines added as bytes (addLine), mixed with records, as the generic encoder writes their records', () => {
    const attributes = [str('log.file.path', '/var/log/app.log'), str('log.file.name', 'app.log')];
    const writer = new LogRecordsWriter(resource, 'otelgate/test', true, 8);
    const records: LogRecord[] = [];
    const source = Buffer.from(`>>héllo ✓ 😀 ${'z'.repeat(200)}<<`);
    for (let i = 0; i < 40; i++) {
      const observed = i < 10 ? 1_600_000_000_000_000_000n : 1_700_000_000_000_000_000n;
      if (i % 7 === 3) {
        const item = record(`record ${i}`, attributes, { observedTimeUnixNano: observed, severityNumber: 9 });
        writer.add(item);
        records.push(item);
        continue;
      }
      const end = source.length - 2 - i;
      writer.addLine(source, 2, end, observed, attributes);
      records.push(record(source.toString('utf8', 2, end), attributes, { observedTimeUnixNano: observed }));
    }
    expect(writer.count).toBe(40);
    expect(writer.finish().equals(Buffer.from(encodeLogs(logsData(records))))).toBe(true);
  });

  it('keeps a record the fast encoder does not handle, encoded by the generic one in the same request', () => {
    const writer = new LogRecordsWriter(resource, 'otelgate/test', false, 1024);
    writer.add(record('fast', []));
    writer.add(record('generic', [{ key: 'ratio', value: { doubleValue: 0.5 } }]));
    const decoded = decodeLogs(writer.finish());
    const bodies = decoded.resourceLogs.flatMap((rl) =>
      rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => (r.body as { stringValue: string }).stringValue)),
    );
    expect(bodies).toEqual(['fast', 'generic']);
    expect(decoded.resourceLogs.every((rl) => rl.resource.attributes[0]?.key === 'service.name')).toBe(true);
  });
});
