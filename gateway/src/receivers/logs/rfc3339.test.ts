import { describe, expect, it } from 'vitest';
import { rfc3339ToUnixNano } from './rfc3339.ts';

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

describe('rfc3339ToUnixNano', () => {
  it('reads seconds, fractions to the nanosecond and zones', () => {
    expect(rfc3339ToUnixNano('2024-01-02T03:04:05Z')).toBe(ns('2024-01-02T03:04:05Z'));
    expect(rfc3339ToUnixNano('2024-01-02T03:04:05.123456789Z')).toBe(ns('2024-01-02T03:04:05Z') + 123_456_789n);
    expect(rfc3339ToUnixNano('2024-01-02T03:04:05.5Z')).toBe(ns('2024-01-02T03:04:05Z') + 500_000_000n);
    expect(rfc3339ToUnixNano('2024-01-02 03:04:05.000001z')).toBe(ns('2024-01-02T03:04:05Z') + 1_000n);
    expect(rfc3339ToUnixNano('2024-01-02T04:04:05.25+01:00')).toBe(ns('2024-01-02T03:04:05Z') + 250_000_000n);
    expect(rfc3339ToUnixNano('2024-01-01T23:34:05-03:30')).toBe(ns('2024-01-02T03:04:05Z'));
  });

  it('gives the same answer from its remembered second as without it', () => {
    expect(rfc3339ToUnixNano('2024-01-02T03:04:05.1Z')).toBe(ns('2024-01-02T03:04:05Z') + 100_000_000n);
    expect(rfc3339ToUnixNano('2024-01-02T03:04:05.2Z')).toBe(ns('2024-01-02T03:04:05Z') + 200_000_000n);
    expect(rfc3339ToUnixNano('2024-01-02T03:04:05.2+01:00')).toBe(ns('2024-01-02T02:04:05Z') + 200_000_000n);
  });

  it.each([
    '2024-01-02',
    '2024-01-02T03:04:05',
    '2024-13-02T03:04:05Z',
    '2024-01-02T03:04:05.Z',
    'xxxx-01-02T03:04:05Z',
    '2024-01-02T03:04:05+0100',
    '2024-01-02X03:04:05Z',
  ])('refuses %s', (text) => {
    expect(rfc3339ToUnixNano(text)).toBeUndefined();
  });
});
