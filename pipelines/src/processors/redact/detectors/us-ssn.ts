// US Social Security numbers in the dashed form (the bare nine digits are too ambiguous), with
// the SSA's never-issued ranges excluded: area 000, 666, 900-999; group 00; serial 0000.
import { HAS_DASH } from './census.ts';
import { type Detector, regexDetector } from './detector.ts';

export const usSsnDetector: Detector = regexDetector(
  'us_ssn',
  /(?<![\w.-])\d{3}-\d{2}-\d{4}(?![\w-]|\.\d)/g,
  {
    accept: (m) => {
      const area = Number(m[0].slice(0, 3));
      return area !== 0 && area !== 666 && area < 900 && m[0].slice(4, 6) !== '00' && m[0].slice(7) !== '0000';
    },
  },
  (c) => c.digits >= 9 && (c.flags & HAS_DASH) !== 0,
);
