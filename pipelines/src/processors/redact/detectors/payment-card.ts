// Payment card numbers: 13-19 digits, bare or in groups separated by one space or dash
// (4-4-4-4[-3], 4-6-4, 4-6-5), issuer prefix 2-6, valid Luhn. A scan over digit tokens: each
// token is read once and the scan resumes after it.
import { type Detector, isAlphanumeric, isDigit, type Match } from './detector.ts';
import { luhnValid } from './luhn.ts';

function validGroups(groups: number[]): boolean {
  if (groups.length === 1) return true;
  if (groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 4 || groups[2] === 5)) return true;
  for (let i = 0; i < groups.length - 1; i++) if (groups[i] !== 4) return false;
  const last = groups[groups.length - 1];
  return last >= 1 && last <= 4;
}

/**
 * Space-grouped digits right after a four-character upper-case group (`GB43 HVFT 4254 7803 ...`)
 * are the tail of a longer grouped code, an IBAN or an account number, not a card.
 */
export function followsGroup(text: string, start: number): boolean {
  if (start < 5 || text.charCodeAt(start - 1) !== 32) return false;
  for (let k = start - 5; k < start - 1; k++) {
    const c = text.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return start === 5 || !isAlphanumeric(text.charCodeAt(start - 6)) || text.charCodeAt(start - 6) === 32;
}

export const paymentCardDetector: Detector = {
  kind: 'payment_card',
  scan(text: string, out: Match[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (!isDigit(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      let digits = '';
      const groups: number[] = [];
      let separator = 0;
      let j = i;
      let overflow = false;
      for (;;) {
        const groupStart = j;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        if (digits.length + (j - groupStart) > 19) overflow = true;
        if (!overflow) digits += text.slice(groupStart, j);
        groups.push(j - groupStart);
        const c = text.charCodeAt(j);
        if (
          (c === 32 || c === 45) &&
          (separator === 0 || separator === c) &&
          j + 1 < n &&
          isDigit(text.charCodeAt(j + 1))
        ) {
          separator = c;
          j++;
          continue;
        }
        break;
      }
      i = j;
      if (overflow || digits.length < 13) continue;
      const before = start > 0 ? text.charCodeAt(start - 1) : 32;
      if (isAlphanumeric(before) || before === 43 || before === 46 || before === 95 || before === 45) continue;
      const after = j < n ? text.charCodeAt(j) : 32;
      if (isAlphanumeric(after) || after === 95 || (after === 46 && j + 1 < n && isDigit(text.charCodeAt(j + 1))))
        continue;
      const first = digits.charCodeAt(0) - 48;
      if (first < 2 || first > 6) continue;
      if (!validGroups(groups) || !luhnValid(digits)) continue;
      if (separator === 32 && followsGroup(text, start)) continue;
      out.push({ start, end: j, kind: 'payment_card' });
    }
  },
};
