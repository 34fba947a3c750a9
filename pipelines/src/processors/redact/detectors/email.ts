// Email addresses, found from each '@': the local part is read leftwards (at most 64 chars),
// the domain rightwards (at most 253); neither can cross another '@', so every character is
// read at most twice.
import { HAS_AT, HAS_DOT } from './census.ts';
import { type Detector, isAlphanumeric, isAsciiLetter, type Match } from './detector.ts';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
// Things like `icon@2x.png` or `bundle@main.js` look like addresses; these "TLDs" are file types.
const FILE_EXTENSIONS = new Set(
  'png jpg jpeg gif svg webp ico js mjs cjs ts tsx jsx css map json html htm txt log xml yml yaml md lock'.split(' '),
);

function isLocalChar(c: number): boolean {
  // A-Z a-z 0-9 . _ % + - '
  return isAlphanumeric(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isDomainChar(c: number): boolean {
  return isAlphanumeric(c) || c === 46 || c === 45;
}

/** Labels of 1-63 chars not starting or ending with '-', at least two, the last 2+ letters and not a file type. */
function validDomain(text: string, start: number, end: number): boolean {
  let labels = 0;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== 46) continue;
    const length = i - labelStart;
    if (length === 0 || length > 63) return false;
    if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return false;
    labels++;
    if (i < end) labelStart = i + 1;
  }
  if (labels < 2 || end - labelStart < 2) return false;
  for (let i = labelStart; i < end; i++) if (!isAsciiLetter(text.charCodeAt(i))) return false;
  return end - labelStart > 4 || !FILE_EXTENSIONS.has(text.slice(labelStart, end).toLowerCase());
}

/** `git@github.com:org/repo.git`: an SCP-style remote, not an address. */
function scpLike(text: string, domainEnd: number): boolean {
  if (text.charCodeAt(domainEnd) !== 58) return false;
  const next = text.charCodeAt(domainEnd + 1);
  return isAlphanumeric(next) && !(next >= 48 && next <= 57);
}

/** `scheme://user:pass@host`: the password is not an address (url_credentials redacts it). */
function inUrlUserinfo(text: string, start: number): boolean {
  if (start === 0 || text.charCodeAt(start - 1) !== 58) return false;
  let u = start - 1;
  const limit = Math.max(0, u - MAX_LOCAL);
  while (u > limit && isLocalChar(text.charCodeAt(u - 1))) u--;
  return text.startsWith('//', u - 2);
}

export const emailDetector: Detector = {
  kind: 'email',
  applies: (c) => (c.flags & HAS_AT) !== 0 && (c.flags & HAS_DOT) !== 0,
  scan(text: string, out: Match[]): void {
    let floor = 0;
    let at = text.indexOf('@');
    while (at >= 0) {
      let start = at;
      const limit = Math.max(floor, at - MAX_LOCAL);
      while (start > limit && isLocalChar(text.charCodeAt(start - 1))) start--;
      const tooLong = start === at - MAX_LOCAL && start > floor && isLocalChar(text.charCodeAt(start - 1));
      while (start < at && text.charCodeAt(start) === 46) start++;
      if (start < at && !tooLong && !inUrlUserinfo(text, start)) {
        let end = at + 1;
        const rightLimit = Math.min(text.length, at + 1 + MAX_DOMAIN);
        while (end < rightLimit && isDomainChar(text.charCodeAt(end))) end++;
        while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
        if (end > at + 1 && validDomain(text, at + 1, end) && !scpLike(text, end)) {
          out.push({ start, end, kind: 'email' });
          floor = end;
          at = text.indexOf('@', end);
          continue;
        }
      }
      floor = at + 1;
      at = text.indexOf('@', at + 1);
    }
  },
};
