// Payment card numbers: 13-19 digits, bare or in groups separated by one space or dash
// (4-4-4-4[-3], 4-6-4, 4-6-5), issuer prefix 2-6, valid Luhn. A scan over digit tokens: each
// token is read once and the scan resumes after it.
import { type Detector, isAlphanumeric, isDigit, type Match } from './detector.ts';
import { luhnValid } from './luhn.ts';

function validGroups(groups: Int32Array, count: number): boolean {
  if (count === 1) return true;
  if (count === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 4 || groups[2] === 5)) return true;
  for (let i = 0; i < count - 1; i++) if (groups[i] !== 4) return false;
  const last = groups[count - 1];
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

const MAX_GROUPS = 20;
const groups = new Int32Array(MAX_GROUPS);
const ends = new Int32Array(MAX_GROUPS);
/** Cheap first test (native regex scan, bounded): 12+ digits, bare or grouped, somewhere in the text. */
const PREFILTER = /\d{4}[ -]?\d{4}[ -]?\d{4}|\d{4}[ -]\d{6}/;

export const paymentCardDetector: Detector = {
  kind: 'payment_card',
  applies: (c) => c.digits >= 13,
  scan(text: string, out: Match[]): void {
    if (!PREFILTER.test(text)) return;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c0 = text.charCodeAt(i);
      if (c0 < 48 || c0 > 57) {
        i++;
        continue;
      }
      // A digit token: digit groups joined by one consistent separator. No allocation here:
      // most tokens (timestamps, counters) are too short and are skipped at once.
      const start = i;
      let groupCount = 0;
      let separator = 0;
      let j = i;
      for (;;) {
        const groupStart = j;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        if (groupCount < MAX_GROUPS) {
          groups[groupCount] = j - groupStart;
          ends[groupCount] = j;
        }
        groupCount++;
        if (j + 1 >= n) break; // also keeps charCodeAt in range (NaN would deoptimize the loop)
        const c = text.charCodeAt(j);
        if ((c === 32 || c === 45) && (separator === 0 || separator === c) && isDigit(text.charCodeAt(j + 1))) {
          separator = c;
          j++;
          continue;
        }
        break;
      }
      i = j;
      if (c0 < 50 || c0 > 54) continue; // issuer prefix 2-6
      const before = start > 0 ? text.charCodeAt(start - 1) : 32;
      if (isAlphanumeric(before) || before === 43 || before === 46 || before === 95 || before === 45) continue;
      if (separator === 32 && followsGroup(text, start)) continue;
      // The card may be followed by another number (`4111 1111 1111 1111 2024`): try the whole
      // token, then shorter runs of its first groups, longest first.
      for (let k = Math.min(groupCount, 5); k >= 1; k--) {
        let count = 0;
        for (let g = 0; g < k; g++) count += groups[g];
        if (count < 13 || count > 19) continue;
        const end = ends[k - 1];
        if (k === groupCount) {
          const after = end < n ? text.charCodeAt(end) : 32;
          if (
            isAlphanumeric(after) ||
            after === 95 ||
            (after === 46 && end + 1 < n && isDigit(text.charCodeAt(end + 1)))
          )
            continue;
        }
        if (!validGroups(groups, k)) continue;
        const digits =
          separator === 0
            ? text.slice(start, end)
            : text.slice(start, end).replaceAll(separator === 32 ? ' ' : '-', '');
        if (!luhnValid(digits)) continue;
        out.push({ start, end, kind: 'payment_card' });
        break;
      }
    }
  },
};
