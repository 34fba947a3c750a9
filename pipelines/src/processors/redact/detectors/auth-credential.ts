// `Bearer <token>` and `Basic <base64>` credentials in free text (an `Authorization`
// attribute is caught whole by the key rules). Only the credential is redacted, so the scheme
// stays readable. Prose ("Bearer authentication failed") is left alone: the credential must
// contain a digit or a token character other than a letter, or be long, or (Basic) decode to
// `user:password`.
import { HAS_SPACE } from './census.ts';
import { type Detector, regexDetector } from './detector.ts';

function decodesToUserPass(match: string, credential: string): boolean {
  if (match.slice(0, 5).toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(credential, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

export const authCredentialDetector: Detector = regexDetector(
  'auth_credential',
  /(?<![A-Za-z0-9_-])(?:Bearer|Basic|Token|Digest)[ \t]{1,8}([A-Za-z0-9._~+/-]{8,4096}={0,3})(?![A-Za-z0-9._~+/=-])/gi,
  { group: 1, accept: (m) => m[1].length >= 24 || /[^A-Za-z]/.test(m[1]) || decodesToUserPass(m[0], m[1]) },
  (c) => c.length >= 13 && (c.flags & HAS_SPACE) !== 0,
);
