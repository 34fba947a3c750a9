// Runs every enabled detector over a string and rewrites the matched spans. Overlapping
// matches resolve to the earliest, then the longest. Strings with no match come back as-is
// (no allocation): the common case on the hot path.
import type { RedactMode } from './config.ts';
import { type Census, takeCensus } from './detectors/census.ts';
import type { Detector, Match } from './detectors/detector.ts';
import type { Replacement } from './replacement.ts';
import type { Tallies } from './tally.ts';

export const DROP: unique symbol = Symbol('drop');

export interface ActiveDetector {
  detector: Detector;
  mode: RedactMode;
}

/** Shortest string any detector can match; shorter strings are not scanned. */
const MIN_CANDIDATE_LENGTH = 6;

export class StringRedactor {
  private readonly detectors: readonly Detector[];
  private readonly modes = new Map<string, RedactMode>();
  private readonly replacement: Replacement;
  private readonly matches: Match[] = [];
  private readonly census: Census = { length: 0, digits: 0, uppers: 0, flags: 0 };

  constructor(active: readonly ActiveDetector[], replacement: Replacement) {
    this.detectors = active.map((a) => a.detector);
    for (const a of active) this.modes.set(a.detector.kind, a.mode);
    this.replacement = replacement;
  }

  /** The redacted text, DROP when a drop-mode detector matched, or undefined when nothing matched. */
  redact(text: string, tallies: Tallies): string | typeof DROP | undefined {
    if (text.length < MIN_CANDIDATE_LENGTH) return undefined;
    const census = takeCensus(text, this.census);
    const matches = this.matches;
    matches.length = 0;
    for (const detector of this.detectors) {
      if (detector.applies === undefined || detector.applies(census)) detector.scan(text, matches);
    }
    if (matches.length === 0) return undefined;
    if (matches.length > 1) matches.sort((a, b) => a.start - b.start || b.end - a.end);
    let result = '';
    let cursor = 0;
    let drop = false;
    for (const match of matches) {
      if (match.start < cursor) continue; // overlaps a kept match
      tallies.record.add(match.kind);
      tallies.batch.add(match.kind);
      const mode = this.modes.get(match.kind) ?? 'mask';
      if (mode === 'drop') {
        drop = true;
        cursor = match.end;
        continue;
      }
      result += text.slice(cursor, match.start);
      result +=
        mode === 'hash'
          ? this.replacement.hash(match.kind, text.slice(match.start, match.end))
          : this.replacement.mask(match.kind);
      cursor = match.end;
    }
    matches.length = 0;
    if (drop) return DROP;
    return result + text.slice(cursor);
  }
}
