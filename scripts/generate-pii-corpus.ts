// Writes the labeled PII corpus the redact accuracy test and benchmark read: realistic log
// lines and attribute values with the exact spans of known PII, plus hard negatives (order
// numbers, UUIDs, timestamps, version strings, 16-digit numbers failing Luhn, hex hashes,
// IP-like version strings, ...). Deterministic for a seed.
//
//   node scripts/generate-pii-corpus.ts [--lines 12000] [--seed 20260601] [--out corpus.jsonl]
import { writeFileSync } from 'node:fs';
import { base, en, Faker } from '@faker-js/faker';

export interface LabeledSpan {
  start: number;
  end: number;
  /** Every detector that should find this span (a Slack token after `token=` is both). */
  kinds: string[];
}

export interface CorpusLine {
  text: string;
  spans: LabeledSpan[];
}

type Piece = string | { text: string; kinds: string[] };

const piiOf = (text: string, ...kinds: string[]): Piece => ({ text, kinds });

export function generatePiiCorpus(options: { lines?: number; seed?: number } = {}): CorpusLine[] {
  const total = options.lines ?? 12_000;
  const f = new Faker({ locale: [en, base] });
  f.seed(options.seed ?? 20260601);

  const pick = <T>(items: readonly T[]): T => items[f.number.int({ min: 0, max: items.length - 1 })];
  const digits = (n: number) => f.string.numeric({ length: n, allowLeadingZeros: true });
  const alnum = (n: number) => f.string.alphanumeric({ length: n });
  const base64url = (n: number) =>
    f.string.fromCharacters('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', n);
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const user = () => f.internet.username().replace(/[^A-Za-z0-9._-]/g, '');
  const service = () => pick(['checkout', 'payments', 'auth', 'orders', 'search', 'billing', 'gateway', 'profile']);
  const level = () => pick(['INFO', 'WARN', 'ERROR', 'DEBUG']);
  const prefix = () => `${f.date.recent().toISOString()} ${level()} [${service()}] `;

  const luhnComplete = (body: string): string => {
    for (let d = 0; d <= 9; d++) {
      const candidate = body + d;
      let sum = 0;
      for (let i = 0; i < candidate.length; i++) {
        let x = candidate.charCodeAt(candidate.length - 1 - i) - 48;
        if (i % 2 === 1) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
        sum += x;
      }
      if (sum % 10 === 0) return candidate;
    }
    throw new Error('unreachable');
  };
  const luhnBroken = (body: string): string => {
    const valid = luhnComplete(body);
    const last = (Number(valid.at(-1)) + f.number.int({ min: 1, max: 9 })) % 10;
    return valid.slice(0, -1) + last;
  };
  const card = (): string => {
    if (f.datatype.boolean()) return f.finance.creditCardNumber().replace(/-/g, pick(['-', ' ', '']));
    const [issuer, length] = pick([
      ['4', 16],
      ['4', 13],
      ['51', 16],
      ['55', 16],
      ['2221', 16],
      ['6011', 16],
      ['65', 16],
      ['35', 16],
      ['36', 14],
    ] as const);
    const value = luhnComplete(issuer + digits(length - issuer.length - 1));
    const separator = pick([' ', '-', '']);
    if (!separator) return value;
    if (length === 13) return value;
    const groups = length === 14 ? [0, 4, 10, 14] : [0, 4, 8, 12, 16];
    return groups
      .slice(1)
      .map((end, i) => value.slice(groups[i], end))
      .join(separator);
  };
  const ssn = (): string => {
    const area = f.number.int({ min: 1, max: 899 });
    const fixedArea = area === 666 ? 665 : area;
    return `${String(fixedArea).padStart(3, '0')}-${String(f.number.int({ min: 1, max: 99 })).padStart(2, '0')}-${String(f.number.int({ min: 1, max: 9999 })).padStart(4, '0')}`;
  };
  const phone = (): string => {
    const area = `${f.number.int({ min: 2, max: 9 })}${digits(2)}`;
    const exchange = `${f.number.int({ min: 2, max: 9 })}${digits(2)}`;
    const line = digits(4);
    return pick([
      () => `+1${area}${exchange}${line}`,
      () => `+1 ${area} ${exchange} ${line}`,
      () => `+1 (${area}) ${exchange}-${line}`,
      () => `(${area}) ${exchange}-${line}`,
      () => `${area}-${exchange}-${line}`,
      () => `${area}.${exchange}.${line}`,
      () => `1-${area}-${exchange}-${line}`,
      () => `+44 20 ${digits(4)} ${digits(4)}`,
      () => `+4420${digits(8)}`,
      () => `+49 30 ${digits(8)}`,
      () => `+33 ${f.number.int({ min: 1, max: 9 })} ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
      () => `+81-3-${digits(4)}-${digits(4)}`,
      () => `020 ${digits(4)} ${digits(4)}`,
      () => `0${f.number.int({ min: 1, max: 9 })}${digits(2)} ${digits(3)} ${digits(4)}`,
      () => f.phone.number({ style: 'national' }).replace(/ x\d+$/, ''),
    ])();
  };
  const jwt = (): string => {
    const header = b64(JSON.stringify({ alg: pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }));
    const payload = b64(
      JSON.stringify({
        sub: f.string.uuid(),
        name: f.person.fullName(),
        iat: f.number.int({ min: 1.6e9, max: 1.8e9 }),
      }),
    );
    return `${header}.${payload}.${base64url(43)}`;
  };
  const awsKey = () => `${pick(['AKIA', 'ASIA'])}${f.string.fromCharacters('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
  const secretKey = (): string =>
    pick([
      () => `ghp_${alnum(36)}`,
      () => `github_pat_${alnum(22)}_${alnum(59)}`,
      () => `glpat-${base64url(20)}`,
      () => `xoxb-${digits(12)}-${digits(13)}-${alnum(24)}`,
      () => `sk_live_${alnum(24)}`,
      () => `rk_test_${alnum(24)}`,
      () => `AIza${base64url(35)}`,
      () => `npm_${alnum(36)}`,
      () => `sk-proj-${base64url(48)}`,
      () => `SG.${base64url(22)}.${base64url(43)}`,
    ])();
  const pem = (): string => {
    const type = pick(['RSA ', 'EC ', '', 'OPENSSH ', 'ENCRYPTED ']);
    const body = Array.from({ length: f.number.int({ min: 2, max: 6 }) }, () => f.string.alphanumeric(64)).join('\n');
    return `-----BEGIN ${type}PRIVATE KEY-----\n${body}\n-----END ${type}PRIVATE KEY-----`;
  };
  const password = () =>
    pick([
      f.internet.password({ length: f.number.int({ min: 8, max: 20 }) }),
      `${f.word.noun()}${digits(3)}!`,
      alnum(16),
    ]).replace(/[\s"'&,;)}\]<>@/?#:]/g, 'x');
  const host = () => f.internet.domainName();
  const ipv4 = () => f.internet.ipv4();
  const ipv6 = () =>
    pick([
      f.internet.ipv6(),
      `2001:db8:${f.string.hexadecimal({ length: 4, prefix: '', casing: 'lower' })}::${f.number.int({ min: 1, max: 999 })}`,
      `fe80::${f.string.hexadecimal({ length: 4, prefix: '', casing: 'lower' })}:${f.string.hexadecimal({ length: 4, prefix: '', casing: 'lower' })}`,
    ]);

  const positives: (() => Piece[])[] = [
    // email
    () => [prefix(), 'user signed up: ', piiOf(f.internet.email(), 'email')],
    () => ['sending receipt to ', piiOf(f.internet.email(), 'email'), ` for order ORD-${digits(8)}`],
    () => [prefix(), `reply-to=<`, piiOf(f.internet.email({ provider: host() }), 'email'), '>'],
    // payment card
    () => [prefix(), 'charge failed for card ', piiOf(card(), 'payment_card'), ` amount=${f.finance.amount()}`],
    () => [
      `payment method updated: pan `,
      piiOf(card(), 'payment_card'),
      ` exp ${f.number.int({ min: 1, max: 12 })}/${f.number.int({ min: 26, max: 32 })}`,
    ],
    // iban
    () => [
      prefix(),
      'payout to IBAN ',
      piiOf(f.finance.iban({ formatted: f.datatype.boolean() }), 'iban'),
      ' scheduled',
    ],
    () => [`sepa transfer debtor_iban: `, piiOf(f.finance.iban({ formatted: f.datatype.boolean() }), 'iban')],
    // us_ssn
    () => [prefix(), `kyc check ssn `, piiOf(ssn(), 'us_ssn'), ` status=${pick(['passed', 'failed', 'pending'])}`],
    () => [`applicant ${f.person.fullName()} (SSN: `, piiOf(ssn(), 'us_ssn'), ')'],
    // phone
    () => [prefix(), 'sms sent to ', piiOf(phone(), 'phone'), ` template=${f.word.noun()}`],
    () => [`contact phone `, piiOf(phone(), 'phone'), ` for ${f.person.fullName()}`],
    // jwt
    () => [prefix(), 'decoded jwt ', piiOf(jwt(), 'jwt'), ' rejected: expired'],
    () => ['idp returned ', piiOf(jwt(), 'jwt'), ` in ${f.number.int({ min: 2, max: 900 })}ms`],
    // auth_credential
    () => [
      prefix(),
      'upstream call Authorization: Bearer ',
      piiOf(`${alnum(f.number.int({ min: 20, max: 40 }))}.${alnum(10)}`, 'auth_credential'),
    ],
    () => [
      'curl -H "Authorization: Basic ',
      piiOf(b64(`${user()}:${password()}`), 'auth_credential'),
      `" https://${host()}/api`,
    ],
    // aws
    () => [
      prefix(),
      'assumed role with access key ',
      piiOf(awsKey(), 'aws_access_key'),
      ` region=${pick(['us-east-1', 'eu-west-1'])}`,
    ],
    // secret_key
    () => [prefix(), 'loaded credential ', piiOf(secretKey(), 'secret_key'), ' from env'],
    () => ['token=', piiOf(secretKey(), 'secret_key', 'secret_param'), ` scope=${f.word.noun()}`],
    // private_key
    () => [prefix(), 'tls config key=', piiOf(pem(), 'private_key')],
    // url_credentials
    () => [
      prefix(),
      `connecting to ${pick(['postgres', 'mysql', 'redis', 'amqp', 'mongodb'])}://${user()}:`,
      piiOf(password(), 'url_credentials'),
      `@${host()}:${f.internet.port()}/${f.word.noun()}`,
    ],
    () => [
      `fetch https://${user()}:`,
      piiOf(password(), 'url_credentials'),
      `@${host()}/v1/items?page=${f.number.int(50)}`,
    ],
    // secret_param
    () => [
      `GET /oauth/callback?code=${alnum(12)}&access_token=`,
      piiOf(alnum(32), 'secret_param'),
      `&state=${alnum(8)}`,
    ],
    () => [prefix(), `login attempt user=${user()} password=`, piiOf(password(), 'secret_param')],
    () => [`{"user":"${user()}","api_key":"`, piiOf(alnum(32), 'secret_param'), '"}'],
    () => [`client_secret: `, piiOf(alnum(40), 'secret_param'), ` rotated by ${user()}`],
    // ipv4 / ipv6
    () => [prefix(), 'request from ', piiOf(ipv4(), 'ipv4'), ` ua="${f.internet.userAgent().slice(0, 40)}"`],
    () => [`peer `, piiOf(ipv6(), 'ipv6'), ` closed the connection after ${f.number.int(5000)}ms`],
    () => [prefix(), 'client_ip=', piiOf(ipv4(), 'ipv4'), ' forwarded_for=', piiOf(ipv6(), 'ipv6')],
    // Bare attribute values (`enduser.email`, `payment.card`, `user.phone`, ...)
    () => [piiOf(f.internet.email(), 'email')],
    () => [piiOf(card(), 'payment_card')],
    () => [piiOf(f.finance.iban({ formatted: f.datatype.boolean() }), 'iban')],
    () => [piiOf(ssn(), 'us_ssn')],
    () => [piiOf(phone(), 'phone')],
    () => [piiOf(jwt(), 'jwt')],
    () => ['Bearer ', piiOf(alnum(32), 'auth_credential')],
    () => [piiOf(awsKey(), 'aws_access_key')],
    () => [piiOf(secretKey(), 'secret_key')],
    () => [`${pick(['postgres', 'https', 'redis'])}://${user()}:`, piiOf(password(), 'url_credentials'), `@${host()}/`],
    () => [`/login?next=%2Fhome&password=`, piiOf(password(), 'secret_param')],
    () => [piiOf(ipv4(), 'ipv4')],
    () => [piiOf(ipv6(), 'ipv6')],
  ];

  const mod97 = (iban: string): number => {
    const rearranged = iban.slice(4) + iban.slice(0, 4);
    let remainder = 0;
    for (const ch of rearranged) remainder = (remainder * (ch >= 'A' ? 100 : 10) + Number.parseInt(ch, 36)) % 97;
    return remainder;
  };
  const badIban = (): string => {
    for (;;) {
      const candidate = `GB${digits(2)}${f.string.alpha({ length: 4, casing: 'upper' })}${digits(14)}`;
      if (mod97(candidate) !== 1) return candidate.replace(/(.{4})(?=.)/g, '$1 ');
    }
  };
  const hex = (n: number) => f.string.hexadecimal({ length: n, prefix: '', casing: 'lower' });
  const negatives: (() => Piece[])[] = [
    () => [
      prefix(),
      `order ORD-${digits(10)} shipped, tracking ${f.string.alphanumeric({ length: 12, casing: 'upper' })}`,
    ],
    () => [`request_id=${f.string.uuid()} trace_id=${hex(32)} span_id=${hex(16)}`],
    () => [prefix(), `processed batch at ${Date.now() - f.number.int(1e9)} (ns ${BigInt(Date.now()) * 1_000_000n})`],
    () => [`deployed ${service()} v${f.system.semver()} build ${f.git.commitSha()}`],
    () => [`reference number ${luhnBroken(`4${digits(14)}`)} not found`],
    () => [`invoice ${luhnBroken(`5${digits(14)}`)} total ${f.finance.amount()} EUR`],
    () => [`sha256=${hex(64)} md5=${hex(32)}`],
    () => [
      `agent version ${f.number.int({ min: 1, max: 12 })}.${f.number.int(9)}.${f.number.int(30000)}.${f.number.int(9)} on kernel 6.${f.number.int(9)}.${f.number.int(99)}-generic`,
    ],
    () => [
      `client v${f.number.int(9)}.${f.number.int(9)}.${f.number.int(9)}.${f.number.int(9)} and lib ${f.number.int(9)}.${f.number.int(9)}.${f.number.int(9)}.${f.number.int(9)}.${f.number.int(9)}`,
    ],
    () => [
      `scheduled for ${f.date.future().toISOString().slice(0, 10)} at ${String(f.number.int(23)).padStart(2, '0')}:${String(f.number.int(59)).padStart(2, '0')}:${String(f.number.int(59)).padStart(2, '0')}`,
    ],
    () => [`iface eth0 mac ${f.internet.mac()} mtu 1500`],
    () => [`dependency lodash@4.17.${f.number.int(21)} and icon@2x.png loaded from @scope/pkg`],
    () => [`account ${badIban()} checksum mismatch`],
    () => [`case id ${pick(['000', '666', '900', '987'])}-${digits(2)}-${digits(4)} closed`],
    () => [`Bearer token missing in request to /api/${f.word.noun()}`],
    () => [
      `latency p99=${f.number.float({ min: 1, max: 999, fractionDigits: 2 })}ms count=${f.number.int(1e6)} ratio=0.${digits(4)}`,
    ],
    () => [
      `timezone offset +05:30 retry in ${f.number.int(60)}s, ${f.number.int(100)}% done, port ${f.internet.port()}`,
    ],
    () => [`user ${user()} logged in from the ${f.location.city()} office`],
    () => [
      `cpu=${f.number.int(100)}% mem=${f.number.int(64000)}MiB pid=${f.number.int(99999)} tid=${f.number.int(99999)}`,
    ],
    () => [`call std::vector::push_back at ${hex(12)}:${f.number.int(999)}`],
    () => [`password reset link sent (password: null), token: ***`],
    () => [
      `git@${pick(['github.com', 'gitlab.com'])}:${user()}/${f.word.noun()}.git cloned at ${f.git.commitSha().slice(0, 7)}`,
    ],
    () => [`java 17.0.${f.number.int(12)}+${f.number.int(9)} image sha ${hex(12)} size ${f.number.int(999)}MB`],
    // Bare attribute values that are not PII
    () => [f.string.uuid()],
    () => [hex(40)],
    () => [`ORD-${digits(12)}`],
    () => [luhnBroken(`4${digits(14)}`)],
    () => [f.system.semver()],
    () => [f.date.recent().toISOString()],
    () => [f.internet.url()],
    () => [`${f.number.int({ min: 1, max: 9 })}.${f.number.int(20)}.${f.number.int(300)}.${f.number.int(9)}-beta`],
    () => [f.internet.mac()],
    () => [String(f.number.int({ min: 1e9, max: 9e9 }))],
  ];

  const out: CorpusLine[] = [];
  for (let i = 0; i < total; i++) {
    const roll = f.number.float({ min: 0, max: 1 });
    let pieces: Piece[];
    if (roll < 0.6) {
      pieces = pick(positives)();
      if (f.number.float({ min: 0, max: 1 }) < 0.3) pieces.push(' ', ...pick(negatives)());
    } else pieces = pick(negatives)();
    let text = '';
    const spans: LabeledSpan[] = [];
    for (const piece of pieces) {
      if (typeof piece === 'string') text += piece;
      else {
        spans.push({ start: text.length, end: text.length + piece.text.length, kinds: piece.kinds });
        text += piece.text;
      }
    }
    out.push({ text, spans });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  const corpus = generatePiiCorpus({ lines: Number(arg('lines') ?? 12_000), seed: Number(arg('seed') ?? 20260601) });
  const text = `${corpus.map((line) => JSON.stringify(line)).join('\n')}\n`;
  const path = arg('out');
  if (path) writeFileSync(path, text);
  else process.stdout.write(text);
}
