// Phone numbers: E.164 and international notation (`+14155552671`, `+44 20 7946 0958`,
// `+1 (415) 555-2671`), read by a scanner from each '+'; and national formats by bounded
// regexes: NANP `(415) 555-2671`, `415-555-2671`, `415.555.2671`, and trunk-prefixed
// `020 7946 0958`, `030-1234-5678`.
import { type Detector, isAlphanumeric, isDigit, type Match, regexDetector } from './detector.ts';
import { followsGroup } from './payment-card.ts';

const MAX_INTERNATIONAL = 24;

// Separator positions of the current candidate and the digit count before each (reused, no allocation).
const cutAt = new Int32Array(MAX_INTERNATIONAL);
const cutDigits = new Int32Array(MAX_INTERNATIONAL);

function scanInternational(text: string, out: Match[]): void {
  let plus = text.indexOf('+');
  while (plus >= 0) {
    const before = plus > 0 ? text.charCodeAt(plus - 1) : 32;
    const first = text.charCodeAt(plus + 1);
    if (isAlphanumeric(before) || before === 43 || !isDigit(first) || first === 48) {
      plus = text.indexOf('+', plus + 1);
      continue;
    }
    let j = plus + 1;
    let digits = 0;
    let lastWasSeparator = false;
    let open = false;
    let cuts = 0;
    const limit = Math.min(text.length, plus + MAX_INTERNATIONAL);
    while (j < limit) {
      const c = text.charCodeAt(j);
      if (isDigit(c)) {
        digits++;
        lastWasSeparator = false;
      } else if ((c === 32 || c === 45 || c === 46) && !lastWasSeparator) {
        lastWasSeparator = true;
        cutAt[cuts] = j;
        cutDigits[cuts++] = digits;
      } else if (c === 40 && !open) {
        open = true;
      } else if (c === 41 && open) {
        open = false;
      } else break;
      j++;
    }
    let end = j;
    while (end > plus + 1 && !isDigit(text.charCodeAt(end - 1))) end--;
    if (end < j && text.charCodeAt(end) === 41) end++; // keep a closing parenthesis of (0)
    const after = j < text.length ? text.charCodeAt(j) : 32;
    const runsOn = j === limit && j < text.length && isDigit(after);
    const glued = end === j && (isAlphanumeric(after) || after === 95);
    let found = -1;
    if (digits >= 8 && digits <= 15 && !runsOn && !glued) found = end;
    else if (digits >= 8) {
      // Followed by another number or word (`+44 20 7946 0958 2026-11-21`): the longest prefix
      // that ends at a separator and has a phone number's digit count.
      for (let k = cuts - 1; k >= 0; k--) {
        if (cutDigits[k] >= 8 && cutDigits[k] <= 15 && text.charCodeAt(cutAt[k]) === 32) {
          found = cutAt[k];
          break;
        }
      }
    }
    if (found > 0) {
      out.push({ start: plus, end: found, kind: 'phone' });
      plus = text.indexOf('+', found);
    } else {
      plus = text.indexOf('+', plus + 1);
    }
  }
}

/** The candidate continues a word, number or path (checked here rather than by a lookbehind, which would slow the regex's scan). */
function glued(text: string, index: number): boolean {
  if (index === 0) return false;
  const c = text.charCodeAt(index - 1);
  return isAlphanumeric(c) || c === 95 || c === 46 || c === 43 || c === 47 || c === 45;
}

const nanp = regexDetector('phone', /(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}([-. ]))\d{3}([-. ])\d{4}(?![\w/-]|[.:]\d)/g, {
  accept: (m) => (m[1] === undefined || m[1] === m[2]) && !glued(m.input, m.index) && !followsGroup(m.input, m.index),
});
const trunk = regexDetector('phone', /0\d{1,4}([ -])\d{3,4}\1\d{3,4}(?![\w/-]|[.:]\d)/g, {
  accept: (m) => {
    const digits = m[0].replace(/\D/g, '').length;
    return digits >= 10 && digits <= 12 && !glued(m.input, m.index) && !followsGroup(m.input, m.index);
  },
});

export const phoneDetector: Detector = {
  kind: 'phone',
  applies: (c) => c.digits >= 8,
  scan(text: string, out: Match[]): void {
    scanInternational(text, out);
    nanp.scan(text, out);
    trunk.scan(text, out);
  },
};
