// AWS access key ids: a four-letter type prefix and 16 upper-case base-32 characters.
import { type Detector, regexDetector } from './detector.ts';

export const awsAccessKeyDetector: Detector = regexDetector(
  'aws_access_key',
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
  {},
  (c) => c.length >= 20 && c.uppers >= 4,
);
