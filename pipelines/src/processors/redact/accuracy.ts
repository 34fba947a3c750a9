// Precision and recall of each detector against a labeled corpus (scripts/generate-pii-corpus.ts).
// A found span counts as a true positive when it overlaps a labeled span of its kind; a labeled
// span nobody of its kind overlaps is a false negative. Each detector runs alone, as the
// string redactor runs it.
import { BUILTIN_DETECTORS, type BuiltinDetectorName } from './detectors/builtin-detectors.ts';
import { type Census, takeCensus } from './detectors/census.ts';
import type { Detector, Match } from './detectors/detector.ts';

export interface LabeledLine {
  text: string;
  spans: { start: number; end: number; kinds: string[] }[];
}

export interface DetectorAccuracy {
  kind: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** A few misses of each sort, for whoever improves the detector. */
  examples: { falsePositives: string[]; falseNegatives: string[] };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

export function measureAccuracy(corpus: readonly LabeledLine[]): DetectorAccuracy[] {
  const results: DetectorAccuracy[] = [];
  for (const [kind, detector] of Object.entries(BUILTIN_DETECTORS) as [
    BuiltinDetectorName,
    (typeof BUILTIN_DETECTORS)[BuiltinDetectorName],
  ][]) {
    const result: DetectorAccuracy = {
      kind,
      truePositives: 0,
      falsePositives: 0,
      falseNegatives: 0,
      precision: 1,
      recall: 1,
      examples: { falsePositives: [], falseNegatives: [] },
    };
    const found: Match[] = [];
    const census: Census = { length: 0, digits: 0, uppers: 0, flags: 0 };
    for (const line of corpus) {
      found.length = 0;
      // Gated by the census, as the string redactor runs it.
      const applies = (detector as Detector).applies;
      if (applies === undefined || applies(takeCensus(line.text, census))) detector.scan(line.text, found);
      const labels = line.spans.filter((span) => span.kinds.includes(kind));
      for (const match of found) {
        if (labels.some((label) => overlaps(label, match))) result.truePositives++;
        else {
          result.falsePositives++;
          if (result.examples.falsePositives.length < 5)
            result.examples.falsePositives.push(`${line.text.slice(match.start, match.end)} | ${line.text}`);
        }
      }
      for (const label of labels) {
        if (!found.some((match) => overlaps(label, match))) {
          result.falseNegatives++;
          if (result.examples.falseNegatives.length < 5)
            result.examples.falseNegatives.push(`${line.text.slice(label.start, label.end)} | ${line.text}`);
        }
      }
    }
    const labeled = result.truePositives + result.falseNegatives;
    result.precision =
      result.truePositives + result.falsePositives === 0
        ? 1
        : result.truePositives / (result.truePositives + result.falsePositives);
    result.recall = labeled === 0 ? 1 : (labeled - result.falseNegatives) / labeled;
    results.push(result);
  }
  return results;
}
