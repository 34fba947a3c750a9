// Passwords in URLs: `scheme://user:password@host`. Only the password is redacted. From each
// `://` the userinfo is read up to the first `/ ? # @` or whitespace, so the reads never overlap.
import { HAS_AT, HAS_COLON } from './census.ts';
import { type Detector, isAlphanumeric, type Match } from './detector.ts';

const MAX_USERINFO = 512;

function endsUserinfo(c: number): boolean {
  return (
    c === 47 ||
    c === 63 ||
    c === 35 ||
    c === 64 ||
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 34 ||
    c === 39 ||
    c === 60 ||
    c === 62
  );
}

export const urlCredentialsDetector: Detector = {
  kind: 'url_credentials',
  applies: (c) => (c.flags & HAS_AT) !== 0 && (c.flags & HAS_COLON) !== 0,
  scan(text: string, out: Match[]): void {
    let i = text.indexOf('://');
    while (i >= 0) {
      const from = i + 3;
      if (i === 0 || !isAlphanumeric(text.charCodeAt(i - 1))) {
        i = text.indexOf('://', from);
        continue;
      }
      let j = from;
      let colon = -1;
      const limit = Math.min(text.length, from + MAX_USERINFO);
      while (j < limit && !endsUserinfo(text.charCodeAt(j))) {
        if (colon < 0 && text.charCodeAt(j) === 58) colon = j;
        j++;
      }
      if (j < text.length && text.charCodeAt(j) === 64 && colon > from && j > colon + 1) {
        out.push({ start: colon + 1, end: j, kind: 'url_credentials' });
      }
      i = text.indexOf('://', Math.max(from, j));
    }
  },
};
