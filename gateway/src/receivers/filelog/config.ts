// `receivers.filelog`: follow log files (plain, Docker json-file, CRI) into OTLP logs.
import { RE2JS } from 're2js';
import { z } from 'zod';

const MiB = 1024 * 1024;

/**
 * A pattern given in config, in RE2 syntax (re2js): matching is linear in the line, so no log line
 * can make a pattern backtrack for ever (no backreferences or lookaround; refused at load).
 */
const regexSource = z.string().superRefine((source, ctx) => {
  try {
    RE2JS.compile(source);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `not a linear-time pattern (RE2 syntax; no backreferences or lookaround): ${(error as Error).message}`,
    });
  }
});

export const filelogConfigSchema = z.strictObject({
  /** Glob patterns of files to follow (absolute paths; `**` allowed). */
  include: z.array(z.string().min(1)).min(1),
  /** Glob patterns of files to leave alone, even when `include` matches them. */
  exclude: z.array(z.string().min(1)).default([]),
  /**
   * Where to start in files found when there is no checkpoint yet (the first start). Files that
   * appear later, and files found after a restart without a checkpoint, are read from the beginning.
   */
  startAt: z.enum(['end', 'beginning']).default('end'),
  /** `auto` tells Docker json-file, CRI and plain lines apart by a file's first line. */
  format: z.enum(['auto', 'docker', 'cri', 'plain']).default('auto'),
  /** Lines not matching `lineStartPattern` are appended to the record before them (stack traces). */
  multiline: z
    .strictObject({
      lineStartPattern: regexSource,
    })
    .optional(),
  /** Where a record's severity comes from: a field of the JSON body, or a pattern's `level` group. */
  severity: z
    .strictObject({
      field: z.string().optional(),
      pattern: regexSource
        .refine((source) => source.includes('(?<level>'), { error: 'the pattern needs a (?<level>...) group' })
        .optional(),
    })
    .optional(),
  /** Parse bodies that are JSON objects into attributes (the body is kept as written). */
  parseJson: z.boolean().default(false),
  /** Longest record (a line, or a joined multi-line / partial record); the rest is cut off and counted. */
  maxLogSizeBytes: z
    .number()
    .int()
    .min(1024)
    .default(1 * MiB),
  /** A pending multi-line or unterminated record is sent after this long without more data. */
  forceFlushMs: z.number().int().positive().default(500),
  /** How often the globs are matched again and files checked for rotation. */
  pollIntervalMs: z.number().int().positive().default(200),
  /** Bytes of a file's start that identify it across restarts and rotations (as the Collector). */
  fingerprintSize: z.number().int().min(16).default(1000),
  /**
   * Records per buffer append (one OTLP request), and its size: under the Kafka buffer's default
   * `maxMessageBytes` (1 MiB), so an append is one message and never has to be split.
   */
  maxBatchRecords: z.number().int().positive().default(4096),
  maxBatchBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(900 * 1024),
  /** The tenant the records belong to. */
  tenant: z.string().default('default'),
  /** Where checkpoints are kept; default `<buffer.embedded.dir>/receivers/filelog`. */
  storageDir: z.string().optional(),
});

export type FilelogConfig = z.output<typeof filelogConfigSchema>;
