// A detector finds one kind of sensitive value in a string. Every detector MUST run in time
// linear in the input: each is either a hand-written scanner that never rescans a region it
// has passed, or a JS regex whose quantifiers are all bounded and whose start positions are
// limited by a literal prefix or a lookbehind, so the work per start position is a constant.
// `adversarial.test.ts` holds each one to 256 KB of hostile input in under 50 ms.

import type { Census } from './census.ts';

export interface Match {
  start: number;
  end: number;
  kind: string;
}

export interface Detector {
  readonly kind: string;
  /** False when the string cannot hold this kind (see census.ts); the scan is skipped. Absent: always scan. */
  applies?(census: Census): boolean;
  /** Appends the [start, end) spans to redact in `text` to `out`. */
  scan(text: string, out: Match[]): void;
}

export interface RegexDetectorOptions {
  /** The capture group that is the secret part; 0 (the default) is the whole match. */
  group?: number;
  /** Checks a candidate beyond what the regex can say (checksums, reserved ranges). */
  accept?(match: RegExpExecArray): boolean;
}

/** A detector from a global regex (bounded quantifiers only: see the note at the top). */
export function regexDetector(
  kind: string,
  regex: RegExp,
  options: RegexDetectorOptions = {},
  applies?: (census: Census) => boolean,
): Detector {
  if (!regex.global) throw new Error(`detector ${kind}: regex must be global`);
  const group = options.group ?? 0;
  const accept = options.accept;
  return {
    kind,
    applies,
    scan(text, out) {
      regex.lastIndex = 0;
      for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
        if (accept && !accept(m)) {
          // Retry from the next position: a rejected candidate may overlap a real one.
          regex.lastIndex = m.index + 1;
          continue;
        }
        const part = m[group];
        if (part !== undefined && part.length > 0) {
          const start = group === 0 ? m.index : m.index + m[0].lastIndexOf(part);
          out.push({ start, end: start + part.length, kind });
        }
        if (m[0].length === 0) regex.lastIndex++;
      }
    },
  };
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isAlphanumeric(code: number): boolean {
  return isDigit(code) || isAsciiLetter(code);
}
