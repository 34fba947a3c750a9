// Precision >= 0.99 and recall >= 0.98 per detector on the generated labeled corpus
// (scripts/generate-pii-corpus.ts: 12,000 lines with known PII spans and hard negatives).
import { describe, expect, it } from 'vitest';
import { generatePiiCorpus } from '../../../../scripts/generate-pii-corpus.ts';
import { measureAccuracy } from './accuracy.ts';

const corpus = generatePiiCorpus({ lines: 12_000, seed: 20260601 });
const results = measureAccuracy(corpus);

describe('redaction accuracy on the labeled corpus', () => {
  it('has at least 10,000 lines and labeled examples of every detector', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10_000);
    for (const result of results)
      expect(result.truePositives + result.falseNegatives, result.kind).toBeGreaterThan(100);
  });

  it.each(results.map((result) => [result.kind, result] as const))(
    '%s: precision >= 0.99, recall >= 0.98',
    (_kind, result) => {
      expect(result.precision, result.examples.falsePositives.join('\n')).toBeGreaterThanOrEqual(0.99);
      expect(result.recall, result.examples.falseNegatives.join('\n')).toBeGreaterThanOrEqual(0.98);
    },
  );
});
