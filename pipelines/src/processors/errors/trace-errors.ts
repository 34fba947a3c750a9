// Which error spans of a trace are tagged, so that one thrown error is one error (issue 17).
//
// An exception thrown in an Express handler is recorded on the handler's span, again on every
// middleware and router span it propagates through, and the HTTP server span ends with status
// ERROR (500): five error spans for one error. The rule, per trace within a batch:
// - **origin**: each distinct exception (type + message of the `exception` event) is tagged once,
//   on the span that recorded it first (earliest event; on a tie the span that started last, the
//   innermost). A span that is an error only by its status (ERROR, HTTP or gRPC status) is an
//   origin too when no span of its trace recorded an exception and none of its children is an
//   error (a failed client call, a database span with status ERROR).
// - **local root**: a span with no parent or of kind SERVER / CONSUMER that is an error is tagged
//   too: it carries the request's outcome. It is counted as an error only when its trace has no
//   other origin.
// - **repeat**: every other error span (the same exception recorded again on an enclosing span,
//   a wrapper span whose status only echoes an exception below it) is not tagged; it gets
//   `otelgate.error.repeated=true`, and spanmetrics does not count it as an error.
// The errors metric therefore counts each error once; spanmetrics counts it on the origin's
// series and on the local root's (the request failed), never on the wrappers'.
import type { KeyValue } from '@otelgate/pipelines/model/common.ts';
import { SpanKind } from '@otelgate/pipelines/model/traces.ts';
import type { SpanError } from './error-tagger.ts';

export const REPEATED_KEY = 'otelgate.error.repeated';

/** `origin`: tagged and counted; `root`: tagged, counted at its origin; `repeat`: not tagged. */
export type ErrorRole = 'origin' | 'root' | 'repeat';

const isLocalRoot = (error: SpanError): boolean =>
  error.span.parentSpanId === '' || error.span.kind === SpanKind.SERVER || error.span.kind === SpanKind.CONSUMER;

/** The role of each error span of one trace (same order as `errors`). */
export function errorRoles(errors: readonly SpanError[]): ErrorRole[] {
  const first = new Map<string, SpanError>();
  for (const e of errors) {
    if (!e.exception) continue;
    const seen = first.get(e.exception.key)?.exception;
    const earlier =
      seen === undefined ||
      e.exception.timeUnixNano < seen.timeUnixNano ||
      (e.exception.timeUnixNano === seen.timeUnixNano &&
        e.span.startTimeUnixNano > (first.get(e.exception.key) as SpanError).span.startTimeUnixNano);
    if (earlier) first.set(e.exception.key, e);
  }
  const parents = new Set(errors.map((e) => e.span.parentSpanId));
  const roles: ErrorRole[] = errors.map((e) => {
    if (e.exception && first.get(e.exception.key) === e) return 'origin';
    if (isLocalRoot(e)) return 'root'; // settled below
    if (first.size > 0 || parents.has(e.span.spanId)) return 'repeat'; // echoes an error below it
    return 'origin';
  });
  const hasOrigin = roles.includes('origin');
  return roles.map((role) => (role === 'root' && !hasOrigin ? 'origin' : role));
}

export function markRepeated(attributes: KeyValue[]): void {
  for (const kv of attributes) {
    if (kv.key === REPEATED_KEY) {
      kv.value = { boolValue: true };
      return;
    }
  }
  attributes.push({ key: REPEATED_KEY, value: { boolValue: true } });
}
