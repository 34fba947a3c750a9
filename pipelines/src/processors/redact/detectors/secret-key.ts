// Secret-looking keys: tokens whose vendor prefix says what they are (GitHub, GitLab, Slack,
// Stripe, Google API, npm, OpenAI, SendGrid). The lookbehind excludes every token character,
// so a run of prefixes starts at most one candidate; all lengths are bounded.
import { type Detector, regexDetector } from './detector.ts';

export const secretKeyDetector: Detector = regexDetector(
  'secret_key',
  new RegExp(
    '(?<![A-Za-z0-9_.-])(?:' +
      [
        'gh[pousr]_[A-Za-z0-9]{36,251}',
        'github_pat_[A-Za-z0-9_]{22,244}',
        'glpat-[A-Za-z0-9_-]{20,250}',
        'xox[abposr]-[A-Za-z0-9-]{10,250}',
        '(?:sk|rk|pk)_live_[A-Za-z0-9]{16,247}',
        '(?:sk|rk)_test_[A-Za-z0-9]{16,247}',
        'AIza[0-9A-Za-z_-]{35}',
        'npm_[A-Za-z0-9]{36}',
        'sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,250}',
        'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}',
      ].join('|') +
      ')(?![A-Za-z0-9_-])',
    'g',
  ),
  {},
  (c) => c.length >= 20,
);
