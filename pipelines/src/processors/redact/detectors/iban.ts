// IBANs: country code, check digits, BBAN of the country's exact length, bare or in groups of
// four separated by single spaces, with a valid ISO 7064 mod-97 checksum. Candidates come from
// a scan for a word boundary then two letters and two digits; each is read for at most 34
// characters plus separators.
import { type Detector, isAlphanumeric, isDigit, type Match } from './detector.ts';

const LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IR: 26,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

// Expected length by country, indexed (first letter - 'A') * 26 + (second letter - 'A'); 0: not an IBAN country.
const LENGTH_TABLE = new Uint8Array(26 * 26);
for (const [country, length] of Object.entries(LENGTHS)) {
  LENGTH_TABLE[(country.charCodeAt(0) - 65) * 26 + (country.charCodeAt(1) - 65)] = length;
}

/** Cheap first test (native regex scan, bounded): a country code and check digits somewhere. */
const PREFILTER = /[A-Z]{2}\d\d/;

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** ISO 7064 mod 97-10 over the rearranged IBAN (country and check digits moved to the end). */
export function ibanChecksumValid(iban: string): boolean {
  let remainder = 0;
  const n = iban.length;
  for (let k = 0; k < n; k++) {
    const c = iban.charCodeAt((k + 4) % n);
    if (isDigit(c)) remainder = (remainder * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) remainder = (remainder * 100 + (c - 55)) % 97;
    else if (c >= 97 && c <= 122) remainder = (remainder * 100 + (c - 87)) % 97;
    else return false;
  }
  return remainder === 1;
}

export const ibanDetector: Detector = {
  kind: 'iban',
  applies: (c) => c.length >= 15 && c.uppers >= 2 && c.digits >= 2,
  scan(text: string, out: Match[]): void {
    if (!PREFILTER.test(text)) return;
    const n = text.length;
    let previous = 32;
    for (let start = 0; start + 4 <= n; start++) {
      const c0 = text.charCodeAt(start);
      const boundary = !isAlphanumeric(previous);
      previous = c0;
      if (!boundary || !isUpper(c0)) continue;
      const c1 = text.charCodeAt(start + 1);
      if (!isUpper(c1) || !isDigit(text.charCodeAt(start + 2)) || !isDigit(text.charCodeAt(start + 3))) continue;
      const expected = LENGTH_TABLE[(c0 - 65) * 26 + (c1 - 65)];
      if (expected === 0) continue;
      // Groups of four separated by single spaces, or no spaces at all.
      let j = start + 4;
      let count = 4;
      let inGroup = 0;
      while (j < n && count < expected) {
        const c = text.charCodeAt(j);
        if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
          count++;
          j++;
          inGroup = inGroup === 3 ? 0 : inGroup + 1;
        } else if (c === 32 && inGroup === 0 && j + 1 < n && isAlphanumeric(text.charCodeAt(j + 1))) {
          j++;
        } else break;
      }
      if (count !== expected) continue;
      if (j < n && isAlphanumeric(text.charCodeAt(j))) continue;
      if (!ibanChecksumValid(text.slice(start, j).replaceAll(' ', ''))) continue;
      out.push({ start, end: j, kind: 'iban' });
      start = j - 1;
      previous = text.charCodeAt(j - 1);
    }
  },
};
