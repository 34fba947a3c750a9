import { z } from 'zod';
import { customPatternProblem } from './custom-pattern.ts';
import { BUILTIN_DETECTORS } from './detectors/builtin-detectors.ts';

export const redactModeSchema = z.enum(['mask', 'hash', 'drop']);
export type RedactMode = z.infer<typeof redactModeSchema>;

export const DEFAULT_SENSITIVE_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'api_key',
  'apikey',
  'x-api-key',
  'private_key',
  'credentials',
  'session_id',
  'client_secret',
];

function detector(enabled: boolean) {
  return z
    .object({
      enabled: z.boolean().default(enabled),
      /** Overrides the processor's `mode` for this detector. */
      mode: redactModeSchema.optional(),
    })
    .strict()
    .prefault({});
}

const customPatternSchema = z
  .object({
    /** The kind reported in masks, hashes, summaries and metrics (`[REDACTED:<name>]`). */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter'),
    /** RE2 syntax (linear time): no backreferences, no lookaround. */
    pattern: z.string().min(1).max(4096),
    caseInsensitive: z.boolean().default(false),
    mode: redactModeSchema.optional(),
  })
  .strict();

export const redactConfigSchema = z
  .object({
    /** What happens to a detected value: `mask` ([REDACTED:kind]), `hash` (keyed HMAC-SHA256), `drop` (remove the attribute). */
    mode: redactModeSchema.default('mask'),
    hash: z
      .object({
        /** The HMAC key; required when any mode is `hash`. Use `${env:NAME}`. */
        secret: z.string().optional(),
        /** Hex characters of the HMAC kept in the token. */
        hexLength: z.number().int().min(8).max(64).default(16),
      })
      .strict()
      .prefault({}),
    detectors: z
      .object({
        email: detector(true),
        payment_card: detector(true),
        iban: detector(true),
        us_ssn: detector(true),
        phone: detector(true),
        jwt: detector(true),
        auth_credential: detector(true),
        aws_access_key: detector(true),
        secret_key: detector(true),
        private_key: detector(true),
        url_credentials: detector(true),
        secret_param: detector(true),
        ipv4: detector(false),
        ipv6: detector(false),
      })
      .strict()
      .prefault({}),
    customPatterns: z.array(customPatternSchema).default([]),
    /**
     * Keys whose whole value is redacted. Matched on the last dotted segment of the key,
     * case-insensitively, ignoring `-` and `_`, as a suffix: `password` covers `db.password`
     * and `user_password`; `cookie` covers `http.request.header.set-cookie`.
     */
    sensitiveKeys: z.array(z.string().min(1)).default(DEFAULT_SENSITIVE_KEYS),
    /** Mode for sensitive keys; defaults to `mode`. */
    sensitiveKeyMode: redactModeSchema.optional(),
    /** Exact attribute keys never touched, nor anything nested under them. */
    allowKeys: z.array(z.string().min(1)).default([]),
    scope: z
      .object({
        resourceAttributes: z.boolean().default(true),
        scopeAttributes: z.boolean().default(true),
        logBodies: z.boolean().default(true),
        spanNames: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** Adds `otelgate.redaction.count` and `otelgate.redaction.kinds` to each record (or resource) that was changed. */
    summaryAttributes: z.boolean().default(true),
    limits: z
      .object({
        /** AnyValue nesting deeper than this is replaced by `[TRUNCATED:depth]`, never read. */
        maxDepth: z.number().int().min(1).max(1000).default(32),
        /** Strings longer than this (UTF-16 code units) are cut to it before scanning. */
        maxStringLength: z.number().int().min(64).default(65_536),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const modes = [
      config.mode,
      config.sensitiveKeyMode,
      ...Object.values(config.detectors).map((d) => d.mode),
      ...config.customPatterns.map((p) => p.mode),
    ];
    if (modes.includes('hash') && (config.hash.secret === undefined || config.hash.secret.length < 16)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hash', 'secret'],
        message: 'hash mode needs a secret of at least 16 characters (an unkeyed hash of a short value is reversible)',
      });
    }
    const names = new Set<string>(Object.keys(BUILTIN_DETECTORS));
    config.customPatterns.forEach((pattern, index) => {
      if (names.has(pattern.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['customPatterns', index, 'name'],
          message: `"${pattern.name}" is already a detector name`,
        });
      }
      names.add(pattern.name);
      const problem = customPatternProblem(pattern.pattern, pattern.caseInsensitive);
      if (problem) ctx.addIssue({ code: 'custom', path: ['customPatterns', index, 'pattern'], message: problem });
    });
  });

export type RedactConfig = z.infer<typeof redactConfigSchema>;
