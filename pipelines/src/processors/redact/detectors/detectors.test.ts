import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS, type BuiltinDetectorName } from './builtin-detectors.ts';
import { takeCensus } from './census.ts';
import type { Detector, Match } from './detector.ts';
import { ibanChecksumValid } from './iban.ts';
import { luhnValid } from './luhn.ts';

function found(name: BuiltinDetectorName, text: string): string[] {
  const out: Match[] = [];
  const detector: Detector = BUILTIN_DETECTORS[name];
  // Gated by the census, as the string redactor runs it.
  if (
    detector.applies === undefined ||
    detector.applies(takeCensus(text, { length: 0, digits: 0, uppers: 0, flags: 0 }))
  ) {
    detector.scan(text, out);
  }
  // Overlaps resolve as in the string redactor: earliest, then longest.
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  let cursor = 0;
  const kept: string[] = [];
  for (const m of out) {
    if (m.start < cursor) continue;
    kept.push(text.slice(m.start, m.end));
    cursor = m.end;
  }
  return kept;
}

const CASES: Record<BuiltinDetectorName, { positive: [string, string][]; negative: string[] }> = {
  email: {
    positive: [
      ['contact jane.doe+tag@example.co.uk today', 'jane.doe+tag@example.co.uk'],
      ['<bob_smith@mail-server.example.org>', 'bob_smith@mail-server.example.org'],
      ['user=a@b.io.', 'a@b.io'],
    ],
    negative: ['lodash@4.17.21', 'icon@2x.png', 'user@localhost', '@scope/package', 'a@b', 'x@@y.com'],
  },
  payment_card: {
    positive: [
      ['card 4111111111111111 charged', '4111111111111111'],
      ['pan=5500-0000-0000-0004;', '5500-0000-0000-0004'],
      ['amex 3782 822463 10005 ok', '3782 822463 10005'],
      ['visa 4012 8888 8888 1881', '4012 8888 8888 1881'],
      ['paid 4111 1111 1111 1111 2024-11-21', '4111 1111 1111 1111'],
      ['4111111111111111 0e8edcb8', '4111111111111111'],
    ],
    negative: [
      'order 4111111111111112',
      'ts 1700000000000000000',
      'id 12345678901234567890123',
      'v4111111111111111',
      '4111.111111111111',
      '+4111111111111111',
      '41111111111111111111',
    ],
  },
  iban: {
    positive: [
      ['iban GB82 WEST 1234 5698 7654 32 paid', 'GB82 WEST 1234 5698 7654 32'],
      ['to DE89370400440532013000.', 'DE89370400440532013000'],
      ['FR1420041010050500013M02606', 'FR1420041010050500013M02606'],
    ],
    negative: [
      'GB82 WEST 1234 5698 7654 33',
      'XX89370400440532013000',
      'DE8937040044053201300',
      'ABDE89370400440532013000',
    ],
  },
  us_ssn: {
    positive: [['ssn 123-45-6789 on file', '123-45-6789']],
    negative: [
      '000-12-3456',
      '666-12-3456',
      '912-34-5678',
      '123-00-4567',
      '123-45-0000',
      '2024-01-15',
      '1-123-45-6789-2',
    ],
  },
  phone: {
    positive: [
      ['call +14155552671 now', '+14155552671'],
      ['tel: +44 20 7946 0958', '+44 20 7946 0958'],
      ['+1 (415) 555-2671 x', '+1 (415) 555-2671'],
      ['office (415) 555-2671', '(415) 555-2671'],
      ['cell 415-555-2671.', '415-555-2671'],
      ['fax 415.555.2671', '415.555.2671'],
      ['uk 020 7946 0958', '020 7946 0958'],
      ['call +44 20 7946 0958 2026-11-21', '+44 20 7946 0958'],
      ['+13119054468 5f:d5:55', '+13119054468'],
    ],
    negative: [
      '2024-01-15',
      '10:15:30',
      'v1.2.3',
      '+05:30',
      '415-555-26712',
      '1.2.3.4',
      '415-555.2671',
      'id=12345678',
      '+1234',
    ],
  },
  jwt: {
    positive: [
      [
        'Authorization: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end',
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      ],
    ],
    negative: ['eyJhbGciOiJIUzI1NiJ9', 'eyJ.eyJ.x', 'xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig'],
  },
  auth_credential: {
    positive: [
      ['Authorization: Bearer abc123.def-456_ghi', 'abc123.def-456_ghi'],
      ['header basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
      ['Basic RWRkNzpyZXNvdXJjZTMzNCE"', 'RWRkNzpyZXNvdXJjZTMzNCE'],
    ],
    negative: ['Bearer authentication failed', 'Bearer token missing', 'Basic auth'],
  },
  aws_access_key: {
    positive: [['key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE']],
    negative: ['AKIAIOSFODNN7EXAMPL', 'XAKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLEX'],
  },
  secret_key: {
    positive: [
      ['token ghp_0123456789abcdefghijABCDEFGHIJ012345 x', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
      ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
      ['xoxb-123456789012-abcdefghijkl', 'xoxb-123456789012-abcdefghijkl'],
    ],
    negative: ['ghp_short', 'task-1234', 'sk-short'],
  },
  private_key: {
    positive: [
      [
        'key: -----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY----- done',
        '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----',
      ],
      ['-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg'],
    ],
    negative: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', '-----BEGIN PUBLIC KEY-----'],
  },
  url_credentials: {
    positive: [
      ['postgres://app:s3cr3t@db.internal:5432/app', 's3cr3t'],
      ['fetch https://user:p%40ss@example.com/x', 'p%40ss'],
    ],
    negative: ['https://example.com/a:b@c', 'https://user@example.com', 'ssh://host:22', 'mailto:a@b.com'],
  },
  secret_param: {
    positive: [
      ['GET /cb?code=1&access_token=abc.def&x=1', 'abc.def'],
      ['login password=hunter2 ok', 'hunter2'],
      ['{"api_key": "k-123456"}', 'k-123456'],
    ],
    negative: ['password=*** ok', 'tokens=5', 'mytoken=abc', 'password: null', 'passage=1'],
  },
  ipv4: {
    positive: [
      ['from 203.0.113.7 port', '203.0.113.7'],
      ['[10.0.0.1]:80', '10.0.0.1'],
    ],
    negative: ['v1.2.3.4', '1.2.3.4.5', '10.0.19041.1', '1.2.3.4-rc1', '256.1.1.1', '4.17.21'],
  },
  ipv6: {
    positive: [
      ['peer 2001:db8::1 closed', '2001:db8::1'],
      ['[fe80::1ff:fe23:4567:890a]:443', 'fe80::1ff:fe23:4567:890a'],
      ['addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334.', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
    ],
    negative: ['10:15:30', 'std::vector', '00:1a:2b:3c:4d:5e', 'a::b', 'key: value', 'dead:beef'],
  },
};

describe.each(Object.keys(CASES) as BuiltinDetectorName[])('%s detector', (name) => {
  it.each(CASES[name].positive)('finds the value in %j', (text, expected) => {
    expect(found(name, text)).toEqual([expected]);
  });
  it.each(CASES[name].negative)('leaves %j alone', (text) => {
    expect(found(name, text)).toEqual([]);
  });
});

describe('checksums', () => {
  it('validates Luhn', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });
  it('validates the IBAN mod-97 checksum', () => {
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanChecksumValid('GB82WEST12345698765433')).toBe(false);
  });
});
