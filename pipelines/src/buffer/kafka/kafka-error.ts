// Maps what the Kafka client throws to our error kinds: the broker unreachable, slow or short
// of in-sync replicas is `unavailable` (clients retry), a message over the broker's limit is
// `payload-too-large`, anything else `internal`.
import { OtelgateError } from '../../errors/error-kinds.ts';

interface ClientError {
  code?: string;
  apiId?: string;
  canRetry?: boolean;
  errors?: unknown[];
  cause?: unknown;
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const CONFIG_ERRORS = new Set(['PLT_KFK_USER', 'PLT_KFK_UNSUPPORTED_COMPRESSION']);

/** Every protocol error id found anywhere in an error, its aggregates and causes. */
export function protocolIds(error: unknown, seen = new Set<unknown>()): string[] {
  if (!error || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const e = error as ClientError;
  const ids = e.apiId ? [e.apiId] : [];
  for (const inner of e.errors ?? []) ids.push(...protocolIds(inner, seen));
  ids.push(...protocolIds(e.cause, seen));
  return ids;
}

/**
 * The messages of the innermost errors (the client wraps a TLS or socket error in two or three
 * layers of "Listing topics failed." / "Cannot connect to any broker."), without repeats.
 */
function rootMessages(error: unknown, seen = new Set<unknown>()): string[] {
  if (!error || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const e = error as ClientError;
  const inner = [...(e.errors ?? []), ...(e.cause ? [e.cause] : [])];
  if (inner.length === 0) return error instanceof Error && error.message ? [error.message] : [];
  return [...new Set(inner.flatMap((i) => rootMessages(i, seen)))];
}

export function kafkaError(error: unknown, what: string, retryAfterSeconds: number): OtelgateError {
  if (error instanceof OtelgateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const ids = protocolIds(error);
  if (ids.some((id) => TOO_LARGE.has(id))) {
    return new OtelgateError('payload-too-large', `${what}: the broker refused the message as too large`, {
      cause: error,
    });
  }
  const code = (error as ClientError)?.code;
  if (code && CONFIG_ERRORS.has(code)) {
    return new OtelgateError('internal', `${what}: ${message}`, { cause: error });
  }
  const roots = rootMessages(error).filter((root) => root !== message);
  let detail = roots.length > 0 ? `${message} ${roots.slice(0, 3).join('; ')}` : message;
  if (ids.length > 0) detail += ` (${[...new Set(ids)].join(', ')})`;
  return new OtelgateError('unavailable', `${what}: Kafka unavailable: ${detail}`, { cause: error, retryAfterSeconds });
}
