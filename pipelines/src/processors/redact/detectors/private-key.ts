// PEM private keys, from the BEGIN line to the END line (or to the end of the text when the
// key was cut off: a partial key is still a secret). indexOf only moves forward.
import { HAS_DASH } from './census.ts';
import type { Detector, Match } from './detector.ts';

const BEGIN = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,2}PRIVATE KEY(?: BLOCK)?-----/y;

export const privateKeyDetector: Detector = {
  kind: 'private_key',
  applies: (c) => c.length >= 40 && (c.flags & HAS_DASH) !== 0,
  scan(text: string, out: Match[]): void {
    let i = text.indexOf('-----BEGIN ');
    while (i >= 0) {
      BEGIN.lastIndex = i;
      if (!BEGIN.test(text)) {
        i = text.indexOf('-----BEGIN ', i + 1);
        continue;
      }
      const endMarker = text.indexOf('-----END ', BEGIN.lastIndex);
      let end = text.length;
      if (endMarker >= 0) {
        const close = text.indexOf('-----', endMarker + 9);
        end = close >= 0 && close - endMarker < 64 ? close + 5 : endMarker + 9;
      }
      out.push({ start: i, end, kind: 'private_key' });
      i = end < text.length ? text.indexOf('-----BEGIN ', end) : -1;
    }
  },
};
