import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import { describe, expect, it } from 'vitest';
import { contentId, isoNanos, logDocument } from './documents.ts';
import { indexName, namespaceFor } from './index-naming.ts';

const record = (overrides: Partial<LogRecord> = {}): LogRecord => ({
  timeUnixNano: 1_700_000_000_123_456_789n,
  observedTimeUnixNano: 1_700_000_000_200_000_000n,
  severityNumber: 9,
  severityText: 'INFO',
  body: { stringValue: 'hello' },
  attributes: [],
  droppedAttributesCount: 0,
  flags: 0,
  traceId: '',
  spanId: '',
  eventName: '',
  ...overrides,
});
const context = { attributes: { 'service.name': 'svc' }, scope: { name: 's', version: '' } };

describe('elasticsearch documents', () => {
  it('keeps nanosecond precision in @timestamp', () => {
    expect(isoNanos(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123456789Z');
  });

  it('gives the same record the same id and a different record another', () => {
    const a = contentId(JSON.stringify(logDocument(record(), context)));
    expect(contentId(JSON.stringify(logDocument(record(), context)))).toBe(a);
    expect(contentId(JSON.stringify(logDocument(record({ body: { stringValue: 'hello!' } }), context)))).not.toBe(a);
  });

  it('treats __proto__ keys in attributes and bodies as plain keys', () => {
    const doc = logDocument(
      record({
        attributes: [{ key: '__proto__', value: { stringValue: 'x' } }],
        body: {
          kvlistValue: {
            values: [
              {
                key: '__proto__',
                value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } },
              },
            ],
          },
        },
      }),
      context,
    );
    expect(JSON.parse(JSON.stringify(doc)).attributes).toEqual({ ['__proto__']: 'x' });
    expect(doc.body).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('sanitizes tenants into index names', () => {
    expect(namespaceFor('Acme Corp/../*', 'default')).toBe('acme_corp_____');
    expect(namespaceFor('***', 'default')).toBe('default');
    expect(namespaceFor(undefined, 'default')).toBe('default');
    expect(indexName('otelgate', 'logs', 'acme', 1_700_000_000_000_000_000n)).toBe('otelgate-logs-acme-2023.11.14');
  });
});
