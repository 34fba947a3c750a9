import { describe, expect, it } from 'vitest';
import { parseSyslog, type SyslogMessage } from './syslog-parser.ts';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const parse = (text: string, protocol: 'auto' | 'rfc5424' | 'rfc3164' = 'auto') =>
  parseSyslog(text, { protocol, utc: true, now: NOW });

describe('RFC 5424', () => {
  it('reads every header field, structured data with escapes, and the message (BOM dropped)', () => {
    const message = parse(
      '<165>1 2003-10-11T22:14:15.003000001Z mymachine.example.com evntslog 42 ID47 [exampleSDID@32473 iut="3" eventSource="Appl\\"ic\\]ation"][meta x="\\\\"] \uFEFFAn application event',
    ) as SyslogMessage;
    expect(message).toEqual({
      facility: 20,
      severity: 5,
      version: 1,
      timeUnixNano: BigInt(Date.UTC(2003, 9, 11, 22, 14, 15)) * 1_000_000n + 3_000_001n,
      hostname: 'mymachine.example.com',
      appname: 'evntslog',
      procid: '42',
      msgid: 'ID47',
      structuredData: [
        {
          id: 'exampleSDID@32473',
          params: [
            ['iut', '3'],
            ['eventSource', 'Appl"ic]ation'],
          ],
        },
        { id: 'meta', params: [['x', '\\']] },
      ],
      message: 'An application event',
    });
  });

  it('takes nil fields, no structured data and no message', () => {
    const message = parse('<14>1 - - - - - -') as SyslogMessage;
    expect(message.timeUnixNano).toBe(0n);
    expect(message.hostname).toBeUndefined();
    expect(message.structuredData).toBeUndefined();
    expect(message.message).toBe('');
  });

  it('reads timestamps with an offset', () => {
    const message = parse('<14>1 2026-12-04T13:00:00.5+01:00 h a - - - m') as SyslogMessage;
    expect(message.timeUnixNano).toBe(BigInt(NOW) * 1_000_000n + 500_000_000n);
  });

  it('names what is wrong with a broken message', () => {
    expect(parse('<14>1 2026-12-04 h a - - - m')).toMatch(/TIMESTAMP .* is not RFC 3339/);
    expect(parse('<14>1 - h a - - [x a="1 m')).toMatch(/closing quote/);
    expect(parse('<14>1 - h a')).toBe('RFC 5424 header is cut short');
    expect(parse('<14>Dec  4 10:00:00 h a: m', 'rfc5424')).toMatch(/VERSION 1/);
  });
});

describe('RFC 3164', () => {
  it('reads timestamp, host, tag with pid and the message', () => {
    const message = parse("<34>Dec  4 11:59:58 mymachine su[230]: 'su root' failed for lonvick") as SyslogMessage;
    expect(message).toMatchObject({
      facility: 4,
      severity: 2,
      version: 0,
      timeUnixNano: BigInt(NOW - 2000) * 1_000_000n,
      hostname: 'mymachine',
      appname: 'su',
      procid: '230',
      message: "'su root' failed for lonvick",
    });
  });

  it('puts a December message received in January in the previous year', () => {
    const january = Date.UTC(2027, 0, 2);
    const message = parseSyslog('<13>Dec 31 23:00:00 h app: m', { protocol: 'auto', utc: true, now: january });
    expect((message as SyslogMessage).timeUnixNano).toBe(BigInt(Date.UTC(2026, 11, 31, 23)) * 1_000_000n);
  });

  it('keeps what does not fit a field in the message', () => {
    const message = parse('<13>just some text') as SyslogMessage;
    expect(message).toMatchObject({
      timeUnixNano: 0n,
      hostname: undefined,
      appname: undefined,
      message: 'just some text',
    });
  });
});

describe('anything else', () => {
  it.each([
    ['', 'no <PRI> at the start'],
    ['hello', 'no <PRI> at the start'],
    ['<x>1 - - - - - -', 'PRI is not a number'],
    ['<192>1 - - - - - -', 'PRI 192 is out of range (0-191)'],
    ['<1234>x', 'no <PRI> at the start'],
  ])('refuses %j: %s', (text, reason) => {
    expect(parse(text)).toBe(reason);
  });
});
