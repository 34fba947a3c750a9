// One cheap pass over a string that counts what detectors need to be present (digits,
// upper-case letters, '@', ':', ...), so each detector is only run on strings that could hold
// its kind. Most attribute values (`GET`, `/api/cart`, `production`) then cost one short loop.

export const HAS_AT = 1;
export const HAS_COLON = 2;
export const HAS_EQUALS = 4;
export const HAS_DOT = 8;
export const HAS_DASH = 16;
export const HAS_SPACE = 32;
export const HAS_PLUS = 64;
export const HAS_PAREN = 128;

export interface Census {
  length: number;
  digits: number;
  uppers: number;
  flags: number;
}

export function takeCensus(text: string, census: Census): Census {
  let digits = 0;
  let uppers = 0;
  let flags = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) uppers++;
    else if (c < 97) {
      if (c === 64) flags |= HAS_AT;
      else if (c === 58) flags |= HAS_COLON;
      else if (c === 61) flags |= HAS_EQUALS;
      else if (c === 46) flags |= HAS_DOT;
      else if (c === 45) flags |= HAS_DASH;
      else if (c === 32 || c === 9) flags |= HAS_SPACE;
      else if (c === 43) flags |= HAS_PLUS;
      else if (c === 40) flags |= HAS_PAREN;
    }
  }
  census.length = n;
  census.digits = digits;
  census.uppers = uppers;
  census.flags = flags;
  return census;
}
