import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { encodeLogs } from '@otelgate/pipelines/otlp/encode.ts';
import { describe, expect, it } from 'vitest';
import { encodeBatch } from './encode-batch.ts';
import type { FileReader } from './file-reader.ts';
import { LogBatch } from './log-batch.ts';

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

describe('encodeBatch', () => {
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
    expect(Buffer.from(encodeBatch(batch)).equals(Buffer.from(encodeLogs(batch.toLogsData())))).toBe(true);
  });

  it('falls back to the generic encoder for what it does not handle (a double attribute)', () => {
    const batch = new LogBatch(100, 1 << 20);
    batch.add(fakeReader([]), record('x', [{ key: 'ratio', value: { doubleValue: 0.5 } }]), 1);
    expect(Buffer.from(encodeBatch(batch)).equals(Buffer.from(encodeLogs(batch.toLogsData())))).toBe(true);
  });
});
