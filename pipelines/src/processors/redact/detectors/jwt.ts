// JSON Web Tokens: `eyJ<header>.eyJ<payload>.<signature>` in base64url. A scanner: when a
// candidate fails, the scan resumes after the whole base64url run it read, since any `eyJ`
// inside that run would fail the same way, so each character is read at most twice.
import { HAS_DOT } from './census.ts';
import { type Detector, isAlphanumeric, type Match } from './detector.ts';

function isBase64Url(c: number): boolean {
  return isAlphanumeric(c) || c === 45 || c === 95;
}

function runEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length && isBase64Url(text.charCodeAt(j))) j++;
  return j;
}

const MIN_SEGMENT = 8;

export const jwtDetector: Detector = {
  kind: 'jwt',
  applies: (c) => c.length >= 25 && (c.flags & HAS_DOT) !== 0,
  scan(text: string, out: Match[]): void {
    let i = text.indexOf('eyJ');
    while (i >= 0) {
      const headerEnd = runEnd(text, i);
      let next = headerEnd;
      const boundary = i === 0 || !isBase64Url(text.charCodeAt(i - 1));
      if (
        boundary &&
        headerEnd - i >= MIN_SEGMENT &&
        text.charCodeAt(headerEnd) === 46 &&
        text.startsWith('eyJ', headerEnd + 1)
      ) {
        const payloadEnd = runEnd(text, headerEnd + 1);
        if (payloadEnd - headerEnd - 1 >= MIN_SEGMENT && text.charCodeAt(payloadEnd) === 46) {
          const signatureEnd = runEnd(text, payloadEnd + 1);
          out.push({ start: i, end: signatureEnd, kind: 'jwt' });
          next = signatureEnd;
        } else {
          next = headerEnd + 1;
        }
      }
      i = text.indexOf('eyJ', next);
    }
  },
};
