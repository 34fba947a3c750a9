// Precision and recall of each redaction detector on the generated labeled corpus
// (scripts/generate-pii-corpus.ts, fixed seed; the accuracy test asserts >= 0.99 / >= 0.98).
import { measureAccuracy } from '@otelgate/pipelines/processors/redact/accuracy.ts';
import { generatePiiCorpus } from '../../../scripts/generate-pii-corpus.ts';

const lines = process.argv.includes('--quick') ? 12_000 : 50_000;
const corpus = generatePiiCorpus({ lines, seed: 20260601 });
const rows = measureAccuracy(corpus).map((result) => ({
  case: `${result.kind} (${lines} lines)`,
  figures: {
    precision: Number(result.precision.toFixed(4)),
    recall: Number(result.recall.toFixed(4)),
    labeled: result.truePositives + result.falseNegatives,
    false_positives: result.falsePositives,
    false_negatives: result.falseNegatives,
  },
}));
process.stdout.write(`${JSON.stringify({ scenario: 'redact accuracy', rows })}\n`);
