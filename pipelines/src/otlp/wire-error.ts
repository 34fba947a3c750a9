// Malformed input is reported with the path of the offending field, e.g.
// "resourceSpans[0].scopeSpans[1].spans[4].attributes[2].value: truncated length-delimited field".
// Readers throw a WireError with the detail only; each enclosing message adds its segment as the
// error unwinds, so the path costs nothing unless something is wrong.
import { OtelgateError } from '../errors/error-kinds.ts';

export class WireError extends Error {
  readonly detail: string;
  /** Path segments, innermost first. */
  readonly segments: string[] = [];

  constructor(detail: string) {
    super(detail);
    this.name = 'WireError';
    this.detail = detail;
  }

  /** Adds an enclosing segment (`name` or `name[index]`) and returns this error for rethrowing. */
  within(name: string, index = -1): WireError {
    this.segments.push(index >= 0 ? `${name}[${index}]` : name);
    return this;
  }

  /** The path, outermost first; very deep paths keep their first and last segments. */
  get path(): string {
    const outerFirst = this.segments.slice().reverse();
    if (outerFirst.length <= 16) return outerFirst.join('.');
    return [...outerFirst.slice(0, 8), `...(${outerFirst.length - 14} more)...`, ...outerFirst.slice(-6)].join('.');
  }
}

/** Converts anything thrown by a codec walker into an 'invalid-argument' OtelgateError naming the path. */
export function toInvalidArgument(error: unknown): OtelgateError {
  if (error instanceof OtelgateError) return error;
  if (error instanceof WireError) {
    const path = error.path;
    return new OtelgateError('invalid-argument', path ? `${path}: ${error.detail}` : error.detail);
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new OtelgateError('invalid-argument', 'message nested too deeply');
  }
  throw error;
}
