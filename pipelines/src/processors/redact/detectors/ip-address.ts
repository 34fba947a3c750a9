// IPv4 and IPv6 addresses (both off by default: geoip reads them and many teams keep them).
// IPv4 by a bounded regex that leaves version strings alone (`v1.2.3.4`, `1.2.3.4.5`,
// `1.2.3.4-rc1`). IPv6 by a scanner: from each ':' the surrounding run of hex digits, ':' and
// '.' is read once and validated in place; the scan resumes after the run.
import { HAS_COLON, HAS_DOT } from './census.ts';
import { type Detector, isAlphanumeric, isDigit, type Match, regexDetector } from './detector.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

export const ipv4Detector: Detector = regexDetector(
  'ipv4',
  new RegExp(
    `(?<![\\w.-])(?<!(?:version|ver|release|build|agent|v)[ :=]?)${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d|-[A-Za-z0-9])`,
    'gi',
  ),
  {},
  (c) => c.digits >= 4 && (c.flags & HAS_DOT) !== 0,
);

function isIpv6Char(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 58 || c === 46;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * RFC 4291 text form without allocating: groups of 1-4 hex digits separated by ':', at most one
 * '::', eight groups (fewer with '::'), optionally ending in a dotted IPv4 address (two groups).
 * At least two non-empty groups, so `::1`, `a::b`-like words are not taken for addresses.
 */
function validIpv6(text: string, start: number, end: number): boolean {
  if (end - start < 6 || end - start > 45) return false;
  let groups = 0;
  let compressed = false;
  let i = start;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return false;
    compressed = true;
    i += 2;
  }
  while (i < end) {
    let j = i;
    while (j < end && isHex(text.charCodeAt(j)) && j - i < 5) j++;
    if (j < end && text.charCodeAt(j) === 46) {
      // Trailing IPv4: the rest must be a dotted quad.
      if (!validDottedQuad(text, i, end)) return false;
      groups += 2;
      i = end;
      break;
    }
    const length = j - i;
    if (length === 0 || length > 4) return false;
    groups++;
    if (j === end) {
      i = end;
      break;
    }
    if (text.charCodeAt(j) !== 58) return false;
    if (text.charCodeAt(j + 1) === 58) {
      if (compressed) return false;
      compressed = true;
      i = j + 2;
      if (i === end) break;
    } else {
      i = j + 1;
      if (i === end) return false;
    }
  }
  if (groups < 2) return false;
  return compressed ? groups <= 7 : groups === 8;
}

function validDottedQuad(text: string, start: number, end: number): boolean {
  let parts = 0;
  let value = -1;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 46;
    if (isDigit(c)) {
      if (digits > 0 && value === 0) return false; // leading zero
      value = Math.max(value, 0) * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
    } else if (c === 46) {
      if (digits === 0) return false;
      parts++;
      value = -1;
      digits = 0;
    } else return false;
  }
  return parts === 4;
}

export const ipv6Detector: Detector = {
  kind: 'ipv6',
  applies: (c) => (c.flags & HAS_COLON) !== 0,
  scan(text: string, out: Match[]): void {
    let colon = text.indexOf(':');
    while (colon >= 0) {
      let start = colon;
      while (start > 0 && isIpv6Char(text.charCodeAt(start - 1))) start--;
      let end = colon + 1;
      while (end < text.length && isIpv6Char(text.charCodeAt(end))) end++;
      // Trim a trailing sentence dot or a lone ':' (`addr: ...`).
      let trimmedEnd = end;
      while (trimmedEnd > start && text.charCodeAt(trimmedEnd - 1) === 46) trimmedEnd--;
      if (trimmedEnd - start >= 2 && text.charCodeAt(trimmedEnd - 1) === 58 && text.charCodeAt(trimmedEnd - 2) !== 58)
        trimmedEnd--;
      const before = start > 0 ? text.charCodeAt(start - 1) : 32;
      const after = trimmedEnd < text.length ? text.charCodeAt(trimmedEnd) : 32;
      const bounded = !isAlphanumeric(before) && before !== 95 && !isAlphanumeric(after) && after !== 95;
      if (bounded && validIpv6(text, start, trimmedEnd)) {
        out.push({ start, end: trimmedEnd, kind: 'ipv6' });
      }
      colon = text.indexOf(':', end);
    }
  },
};
