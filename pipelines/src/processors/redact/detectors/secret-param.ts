// Secret parameters: `password=...`, `api_key: "..."`, `?access_token=...&` in query strings,
// log lines and JSON-ish text. Only the value is redacted. The name must start at a boundary
// (not inside a longer word); the value is at most 512 characters and stops at whitespace,
// quotes, `&`, `,`, `;` and closing brackets.
import { HAS_COLON, HAS_EQUALS } from './census.ts';
import { type Detector, regexDetector } from './detector.ts';

export const SECRET_PARAM_NAMES = [
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth_token',
  'api_key',
  'apikey',
  'api-key',
  'x-api-key',
  'access_key',
  'secret_key',
  'aws_secret_access_key',
  'private_key',
  'session_id',
  'sessionid',
  'signature',
  'sig',
  'credentials',
];

const PLACEHOLDER = /^(?:\*+|x{3,}|\[redacted.*|<redacted>|redacted|null|undefined|none|true|false|\$\{.*\}|%s)$/i;

export const secretParamDetector: Detector = regexDetector(
  'secret_param',
  new RegExp(
    `(?<![A-Za-z0-9_.-])(?:${SECRET_PARAM_NAMES.join('|')})["']?[ \\t]{0,3}[:=][ \\t]{0,3}["']?([^\\s"'&,;)}\\]<>]{1,512})`,
    'gi',
  ),
  { group: 1, accept: (m) => !PLACEHOLDER.test(m[1]) },
  (c) => (c.flags & (HAS_EQUALS | HAS_COLON)) !== 0,
);
