// The fixed set of error categories and how an error is sorted into one: first by what its
// type and message say, then by its status code, then by the kind of call it was.

export const ERROR_CATEGORIES = [
  'timeout',
  'connection',
  'dns',
  'tls',
  'auth',
  'permission',
  'not_found',
  'validation',
  'rate_limit',
  'database',
  'dependency',
  'resource_exhausted',
  'unknown',
] as const;

export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

// Checked in order on `${type} ${message}`; the first match wins.
const TEXT_RULES: [ErrorCategory, RegExp][] = [
  ['timeout', /timeout|timed ?out|deadline.?exceeded|etimedout|esockettimedout/i],
  [
    'dns',
    /(?<![a-z])enotfound|eai_again|getaddrinfo|name resolution|unknownhost|no such host|name or service not known|dns/i,
  ],
  ['tls', /certificate|x509|ssl|tls|handshake|cert_|self.signed/i],
  ['rate_limit', /rate.?limit|too many requests|throttl|quota exceeded/i],
  [
    'resource_exhausted',
    /out ?of ?memory|heap|enomem|emfile|too many open files|enospc|no space left|disk full|resource.?exhausted|stack ?overflow|maximum call stack|memoryerror/i,
  ],
  [
    'connection',
    /econnrefused|econnreset|econnaborted|connection (?:refused|reset|closed|aborted|lost)|connectexception|connectionerror|broken pipe|epipe|socket hang up|ehostunreach|enetunreach|network (?:error|is unreachable)|failed to fetch/i,
  ],
  [
    'permission',
    /forbidden|permission|access.?denied|eacces|eperm|not authori[sz]ed|unauthorizedaccess|insufficient.?(?:scope|privilege)/i,
  ],
  [
    'auth',
    /unauthori[sz]ed|unauthenticated|authentication|invalid (?:token|credentials|api key)|token expired|jwt|login failed|signature/i,
  ],
  [
    'database',
    /sql|database|deadlock|postgres|mysql|mongo|redis|sequelize|hibernate|jdbc|psycopg|constraint|duplicate key|ora-\d+|sqlstate|dataaccess/i,
  ],
  [
    'not_found',
    /not.?found|enoent|no such file|does not exist|filenotfound|nosuchelement|keyerror|no elements|sequence contains no/i,
  ],
  [
    'validation',
    /validation|invalid|illegalargument|argumentexception|valueerror|bad request|malformed|unprocessable|parse|format ?exception|numberformat/i,
  ],
  ['dependency', /bad gateway|service unavailable|upstream|circuit.?breaker|dependency failed/i],
];

const HTTP_RULES: Record<number, ErrorCategory> = {
  400: 'validation',
  401: 'auth',
  403: 'permission',
  404: 'not_found',
  408: 'timeout',
  409: 'validation',
  413: 'validation',
  422: 'validation',
  429: 'rate_limit',
  502: 'dependency',
  503: 'dependency',
  504: 'timeout',
  507: 'resource_exhausted',
};

const GRPC_RULES: Record<number, ErrorCategory> = {
  3: 'validation',
  4: 'timeout',
  5: 'not_found',
  7: 'permission',
  8: 'resource_exhausted',
  11: 'validation',
  14: 'connection',
  16: 'auth',
};

export interface CategoryInput {
  type: string | undefined;
  message: string | undefined;
  httpStatusCode: number | undefined;
  grpcStatusCode: number | undefined;
  /** The span was a database call (`db.system` / `db.system.name` set). */
  database: boolean;
}

export function categorize(input: CategoryInput): ErrorCategory {
  const text = `${input.type ?? ''} ${input.message ?? ''}`;
  if (text.length > 1) {
    for (const [category, pattern] of TEXT_RULES) if (pattern.test(text)) return category;
  }
  if (input.httpStatusCode !== undefined && HTTP_RULES[input.httpStatusCode]) return HTTP_RULES[input.httpStatusCode];
  if (input.grpcStatusCode !== undefined && GRPC_RULES[input.grpcStatusCode]) return GRPC_RULES[input.grpcStatusCode];
  if (input.database) return 'database';
  return 'unknown';
}
