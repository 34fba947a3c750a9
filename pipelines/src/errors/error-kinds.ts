// The one catalogue of error kinds and the one place that maps a kind to an HTTP status,
// a gRPC status code, a retry decision and a metric label.

export type ErrorKind =
  | 'invalid-argument'
  | 'unauthenticated'
  | 'permission-denied'
  | 'not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'deadline-exceeded'
  | 'resource-exhausted'
  | 'unavailable'
  | 'permanent'
  | 'retryable'
  | 'internal';

/** gRPC status codes we use (numbers from the gRPC spec). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

interface KindMapping {
  httpStatus: number;
  grpcCode: number;
  retryable: boolean;
}

const MAPPINGS: Record<ErrorKind, KindMapping> = {
  'invalid-argument': { httpStatus: 400, grpcCode: GrpcCode.INVALID_ARGUMENT, retryable: false },
  unauthenticated: { httpStatus: 401, grpcCode: GrpcCode.UNAUTHENTICATED, retryable: false },
  'permission-denied': { httpStatus: 403, grpcCode: GrpcCode.PERMISSION_DENIED, retryable: false },
  'not-found': { httpStatus: 404, grpcCode: GrpcCode.NOT_FOUND, retryable: false },
  'method-not-allowed': { httpStatus: 405, grpcCode: GrpcCode.UNIMPLEMENTED, retryable: false },
  'unsupported-media-type': { httpStatus: 415, grpcCode: GrpcCode.INVALID_ARGUMENT, retryable: false },
  'payload-too-large': { httpStatus: 413, grpcCode: GrpcCode.RESOURCE_EXHAUSTED, retryable: false },
  // A client too slow to send its request (read deadline, idle, minimum rate, grpc-timeout).
  'deadline-exceeded': { httpStatus: 408, grpcCode: GrpcCode.DEADLINE_EXCEEDED, retryable: true },
  'resource-exhausted': { httpStatus: 429, grpcCode: GrpcCode.RESOURCE_EXHAUSTED, retryable: true },
  unavailable: { httpStatus: 503, grpcCode: GrpcCode.UNAVAILABLE, retryable: true },
  permanent: { httpStatus: 400, grpcCode: GrpcCode.FAILED_PRECONDITION, retryable: false },
  retryable: { httpStatus: 503, grpcCode: GrpcCode.UNAVAILABLE, retryable: true },
  internal: { httpStatus: 500, grpcCode: GrpcCode.INTERNAL, retryable: false },
};

export function mappingFor(kind: ErrorKind): KindMapping {
  return MAPPINGS[kind];
}

export interface OtelgateErrorOptions {
  cause?: unknown;
  /** For retryable kinds: how long the client should wait before retrying. */
  retryAfterSeconds?: number;
}

export class OtelgateError extends Error {
  readonly kind: ErrorKind;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, message: string, options: OtelgateErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'OtelgateError';
    this.kind = kind;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get httpStatus(): number {
    return MAPPINGS[this.kind].httpStatus;
  }

  get grpcCode(): number {
    return MAPPINGS[this.kind].grpcCode;
  }

  get retryable(): boolean {
    return MAPPINGS[this.kind].retryable;
  }
}

/** Wraps anything thrown into an OtelgateError; unknown errors are `internal`. */
export function asOtelgateError(error: unknown): OtelgateError {
  if (error instanceof OtelgateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new OtelgateError('internal', message, { cause: error });
}

export function isRetryable(error: unknown): boolean {
  return error instanceof OtelgateError ? error.retryable : true;
}
