import { z } from 'zod';

export const errorsConfigSchema = z
  .object({
    spans: z
      .object({
        /** Spans with status ERROR. */
        statusError: z.boolean().default(true),
        /** Spans with an `exception` event. */
        exceptionEvents: z.boolean().default(true),
        /** Server spans whose `http.response.status_code` is at least this; null turns it off. */
        serverHttpStatusMin: z.number().int().min(100).max(599).nullable().default(500),
        /** Client spans whose `http.response.status_code` is at least this (e.g. 400); null (default) turns it off. */
        clientHttpStatusMin: z.number().int().min(100).max(599).nullable().default(null),
        /** Spans whose `rpc.grpc.status_code` is not 0 (OK). */
        grpcNonOk: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    logs: z
      .object({
        /** Log records with at least this severity number (17 = ERROR). */
        severityNumberMin: z.number().int().min(1).max(24).default(17),
        /** Log records carrying `exception.type`, `exception.message` or `exception.stacktrace`. */
        exceptionAttributes: z.boolean().default(true),
        /** Log records whose string body holds a stack trace. */
        stackTraceBodies: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Application frames (from the top) that go into the fingerprint. */
    fingerprintFrames: z.number().int().min(1).max(50).default(5),
    /** Replace an `error.type` the record already has. */
    overwriteErrorType: z.boolean().default(false),
    limits: z
      .object({
        /** Stack traces longer than this (UTF-16 code units) are cut before parsing; counted. */
        maxStackTraceLength: z.number().int().min(256).default(65_536),
        /** Frames read from a stack trace; the rest are ignored, counted. */
        maxFrames: z.number().int().min(1).default(256),
        /** Messages longer than this are cut before normalization and categorization; counted. */
        maxMessageLength: z.number().int().min(64).default(1024),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ErrorsConfig = z.infer<typeof errorsConfigSchema>;
