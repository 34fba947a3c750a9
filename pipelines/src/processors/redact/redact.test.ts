import { createNoopMeter } from '@opentelemetry/api';
import { createHmac } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { AnyValue, KeyValue } from '@otelgate/pipelines/model/common.ts';
import type { LogsData } from '@otelgate/pipelines/model/logs.ts';
import type { TracesData } from '@otelgate/pipelines/model/traces.ts';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redactConfigSchema } from './config.ts';
import { redactProcessorFactory } from './factory.ts';

const context = {
  id: 'redact',
  dataDir: tmpdir(),
  meter: createNoopMeter(),
  logger: pino({ level: 'silent' }),
  emit: () => {},
};
const ctx = { tenant: undefined, peerAddress: undefined };

function create(options: Record<string, unknown> = {}) {
  return redactProcessorFactory.create(redactConfigSchema.parse(options), context) as ReturnType<
    typeof redactProcessorFactory.create
  > & { process: (s: 'traces' | 'logs', d: TracesData | LogsData, c: typeof ctx) => unknown };
}

const str = (value: string): AnyValue => ({ stringValue: value });
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

function plain(list: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((item) => [item.key, plainValue(item.value)]));
}

function plainValue(value: AnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return value.intValue;
  if ('arrayValue' in value) return value.arrayValue.values.map(plainValue);
  if ('kvlistValue' in value) return plain(value.kvlistValue.values);
  return Object.values(value)[0];
}

function traces(
  spanAttributes: KeyValue[],
  options: { name?: string; resource?: KeyValue[]; event?: KeyValue[] } = {},
): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: options.resource ?? [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                traceState: '',
                parentSpanId: '',
                flags: 0,
                name: options.name ?? 'GET /users',
                kind: 2,
                startTimeUnixNano: 1n,
                endTimeUnixNano: 2n,
                attributes: spanAttributes,
                droppedAttributesCount: 0,
                events: options.event
                  ? [{ timeUnixNano: 1n, name: 'exception', attributes: options.event, droppedAttributesCount: 0 }]
                  : [],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                status: { code: 0, message: '' },
              },
            ],
          },
        ],
      },
    ],
  };
}

function logs(body: AnyValue, attributes: KeyValue[] = []): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
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
                body,
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
  };
}

const spanOf = (data: TracesData) => data.resourceSpans[0].scopeSpans[0].spans[0];
const recordOf = (data: LogsData) => data.resourceLogs[0].scopeLogs[0].logRecords[0];

describe('redact processor', () => {
  it('masks detected values inside attribute strings and adds the summary attributes', async () => {
    const processor = await create();
    const data = traces([
      kv('user.note', str('mail jane@example.com or call +14155552671')),
      kv('url.full', str('https://app:hunter2@api.example.com/v1?access_token=abc123&page=2')),
      kv('http.route', str('/users/:id')),
    ]);
    processor.process('traces', data, ctx);
    expect(plain(spanOf(data).attributes)).toEqual({
      'user.note': 'mail [REDACTED:email] or call [REDACTED:phone]',
      'url.full':
        'https://app:[REDACTED:url_credentials]@api.example.com/v1?access_token=[REDACTED:secret_param]&page=2',
      'http.route': '/users/:id',
      'otelgate.redaction.count': 4n,
      'otelgate.redaction.kinds': ['email', 'phone', 'secret_param', 'url_credentials'],
    });
  });

  it('redacts the whole value of sensitive keys, whatever its type, and never touches allow-listed keys', async () => {
    const processor = await create({ allowKeys: ['app.public_token'] });
    const data = traces([
      kv('http.request.header.authorization', { arrayValue: { values: [str('Bearer x')] } }),
      kv('db.password', str('p')),
      kv('http.response.header.set-cookie', str('sid=1')),
      kv('app.public_token', str('jane@example.com')),
      kv('gen_ai.usage.input_tokens', { intValue: 12n }),
    ]);
    processor.process('traces', data, ctx);
    expect(plain(spanOf(data).attributes)).toMatchObject({
      'http.request.header.authorization': '[REDACTED:sensitive_key]',
      'db.password': '[REDACTED:sensitive_key]',
      'http.response.header.set-cookie': '[REDACTED:sensitive_key]',
      'app.public_token': 'jane@example.com',
      'gen_ai.usage.input_tokens': 12n,
      'otelgate.redaction.count': 3n,
    });
  });

  it('walks resource, event attributes, nested maps and arrays, and structured log bodies', async () => {
    const processor = await create();
    const data = traces([], {
      resource: [kv('owner', str('ops@example.com'))],
      event: [kv('exception.message', str('card 4111111111111111 declined'))],
    });
    processor.process('traces', data, ctx);
    expect(plain(data.resourceSpans[0].resource.attributes)).toMatchObject({ owner: '[REDACTED:email]' });
    expect(plain(spanOf(data).events[0].attributes)).toEqual({
      'exception.message': 'card [REDACTED:payment_card] declined',
    });
    expect(plain(spanOf(data).attributes)).toEqual({
      'otelgate.redaction.count': 1n,
      'otelgate.redaction.kinds': ['payment_card'],
    });

    const log = logs({
      kvlistValue: {
        values: [
          kv('user', {
            kvlistValue: { values: [kv('emails', { arrayValue: { values: [str('a@example.com'), str('ok')] } })] },
          }),
        ],
      },
    });
    processor.process('logs', log, ctx);
    expect(plainValue(recordOf(log).body)).toEqual({ user: { emails: ['[REDACTED:email]', 'ok'] } });
  });

  it('hashes with a keyed HMAC so equal values correlate', async () => {
    const secret = 'a-test-secret-of-32-characters!!';
    const processor = await create({ mode: 'hash', hash: { secret } });
    const data = logs(str('from jane@example.com'), [kv('to', str('jane@example.com'))]);
    processor.process('logs', data, ctx);
    const token = `[HMAC:email:${createHmac('sha256', secret).update('jane@example.com').digest('hex').slice(0, 16)}]`;
    expect(plainValue(recordOf(data).body)).toBe(`from ${token}`);
    expect(plain(recordOf(data).attributes).to).toBe(token);
  });

  it('drops attributes, array items and string bodies holding a value of a drop-mode detector', async () => {
    const processor = await create({ detectors: { us_ssn: { mode: 'drop' } } });
    const data = logs(str('ssn 123-45-6789'), [
      kv('ssn', str('123-45-6789')),
      kv('list', { arrayValue: { values: [str('123-45-6789'), str('keep')] } }),
      kv('mail', str('a@example.com')),
    ]);
    processor.process('logs', data, ctx);
    expect(recordOf(data).body).toEqual({});
    expect(plain(recordOf(data).attributes)).toMatchObject({ list: ['keep'], mail: '[REDACTED:email]' });
    expect(plain(recordOf(data).attributes).ssn).toBeUndefined();
  });

  it('leaves span names alone unless configured, and IP addresses unless their detectors are on', async () => {
    const off = await create();
    const a = traces([kv('client.address', str('203.0.113.7'))], { name: 'mail to jane@example.com' });
    off.process('traces', a, ctx);
    expect(spanOf(a).name).toBe('mail to jane@example.com');
    expect(plain(spanOf(a).attributes)).toEqual({ 'client.address': '203.0.113.7' });

    const on = await create({ scope: { spanNames: true }, detectors: { ipv4: { enabled: true } } });
    const b = traces([kv('client.address', str('203.0.113.7'))], { name: 'mail to jane@example.com' });
    on.process('traces', b, ctx);
    expect(spanOf(b).name).toBe('mail to [REDACTED:email]');
    expect(plain(spanOf(b).attributes)['client.address']).toBe('[REDACTED:ipv4]');
  });

  it('truncates values nested past the depth limit and strings past the length limit', async () => {
    const processor = await create({ limits: { maxDepth: 3, maxStringLength: 100 } });
    let deep: AnyValue = str('jane@example.com');
    for (let i = 0; i < 10_000; i++) deep = { arrayValue: { values: [deep] } };
    const data = logs(deep, [kv('long', str(`${'x'.repeat(95)} jane@example.com`))]);
    processor.process('logs', data, ctx);
    expect(plainValue(recordOf(data).body)).toEqual([[['[TRUNCATED:depth]']]]);
    expect(plain(recordOf(data).attributes).long).toBe(`${'x'.repeat(95)} jane`);
  });

  it('applies configured custom patterns', async () => {
    const processor = await create({ customPatterns: [{ name: 'order_id', pattern: 'ORD-[0-9]{6}' }] });
    const data = logs(str('order ORD-123456 shipped'));
    processor.process('logs', data, ctx);
    expect(plainValue(recordOf(data).body)).toBe('order [REDACTED:order_id] shipped');
  });
});

describe('redact config', () => {
  function problems(options: Record<string, unknown>): string[] {
    const result = redactConfigSchema.safeParse(options);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  }

  it.each([
    ['a backreference', '(a)\\1'],
    ['lookahead', 'secret(?=\\d)'],
    ['lookbehind', '(?<=key=)\\w+'],
  ])('refuses a custom pattern with %s at load', (_what, pattern) => {
    expect(problems({ customPatterns: [{ name: 'x', pattern }] })).toEqual([
      expect.stringMatching(/^customPatterns\.0\.pattern: not a linear-time pattern/),
    ]);
  });

  it('refuses a custom pattern that matches the empty string', () => {
    expect(problems({ customPatterns: [{ name: 'x', pattern: 'a*' }] })).toEqual([
      'customPatterns.0.pattern: matches the empty string',
    ]);
  });

  it('refuses a custom pattern named like a built-in detector', () => {
    expect(problems({ customPatterns: [{ name: 'email', pattern: 'x+' }] })[0]).toMatch(/already a detector name/);
  });

  it('refuses hash mode without a secret, anywhere it is chosen', () => {
    expect(problems({ mode: 'hash' })[0]).toMatch(/^hash\.secret: hash mode needs a secret/);
    expect(problems({ detectors: { email: { mode: 'hash' } } })[0]).toMatch(/^hash\.secret/);
    expect(problems({ mode: 'hash', hash: { secret: 'long-enough-secret-value' } })).toEqual([]);
  });

  it('has every default filled in', () => {
    const config = redactConfigSchema.parse({});
    expect(config.mode).toBe('mask');
    expect(config.detectors.email.enabled).toBe(true);
    expect(config.detectors.ipv4.enabled).toBe(false);
    expect(config.limits).toEqual({ maxDepth: 32, maxStringLength: 65_536 });
  });
});
