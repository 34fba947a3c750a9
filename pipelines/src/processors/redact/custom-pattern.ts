// User-configured patterns run on re2js, a pure-JS port of RE2: matching is linear in the
// input by construction, so a pattern cannot backtrack catastrophically. Syntax that needs
// backtracking (backreferences, lookaround) does not compile and is refused at config load,
// as is a pattern that matches the empty string.
import { RE2JS } from 're2js';
import type { Detector, Match } from './detectors/detector.ts';

export interface CustomPatternConfig {
  name: string;
  pattern: string;
  caseInsensitive: boolean;
}

/** Why `pattern` cannot be used, or undefined when it can. */
export function customPatternProblem(pattern: string, caseInsensitive: boolean): string | undefined {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    return `not a linear-time pattern (RE2 syntax; no backreferences or lookaround): ${(error as Error).message}`;
  }
  if (compiled.matcher('').find()) return 'matches the empty string';
  return undefined;
}

export function customPatternDetector(config: CustomPatternConfig): Detector {
  const compiled = RE2JS.compile(config.pattern, config.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  const kind = config.name;
  return {
    kind,
    scan(text: string, out: Match[]): void {
      // test() runs RE2's DFA (no submatch tracking), several times faster than find();
      // most strings do not match, so find() only runs on those that do.
      if (!compiled.test(text)) return;
      const matcher = compiled.matcher(text);
      while (matcher.find()) {
        const start = matcher.start();
        const end = matcher.end();
        if (end > start) out.push({ start, end, kind });
      }
    },
  };
}
