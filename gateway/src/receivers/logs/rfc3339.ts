// RFC 3339 timestamps with up to nanosecond fractions (Docker, CRI, RFC 5424) to Unix nanoseconds.
// Hot path (one per line or message): read with character codes, not a regular expression, and
// the seconds part (nearly always the same as the previous line's) is remembered.
let lastPrefix = '';
let lastMs = 0;

function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (also `t`, `z` and a space for `T`), or undefined. */
export function rfc3339ToUnixNano(text: string): bigint | undefined {
  if (text.length < 20) return undefined;
  let position = 19;
  let fraction = 0;
  let fractionDigits = 0;
  if (text.charCodeAt(position) === 46 /* . */) {
    position++;
    while (position < text.length && fractionDigits < 9) {
      const d = text.charCodeAt(position) - 48;
      if (d < 0 || d > 9) break;
      fraction = fraction * 10 + d;
      fractionDigits++;
      position++;
    }
    if (fractionDigits === 0) return undefined;
  }
  const zone = text.slice(position);
  if (zone !== 'Z' && zone !== 'z' && !(zone.length === 6 && (zone[0] === '+' || zone[0] === '-') && zone[3] === ':'))
    return undefined;
  const prefix = text.slice(0, 19);
  let ms: number;
  if (prefix === lastPrefix && zone.length === 1) {
    ms = lastMs;
  } else {
    const separator = text[10];
    if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':') return undefined;
    if (separator !== 'T' && separator !== 't' && separator !== ' ') return undefined;
    const [year, month, day] = [digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2)];
    const [hour, minute, second] = [digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2)];
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23) return undefined;
    if (minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
    ms = Date.UTC(year, month - 1, day, hour, minute, second);
    if (zone.length === 1) {
      lastPrefix = prefix;
      lastMs = ms;
    } else {
      const offset = digits(text, position + 1, 2) * 60 + digits(text, position + 4, 2);
      if (offset < 0) return undefined;
      ms -= (zone[0] === '+' ? 1 : -1) * offset * 60_000;
    }
  }
  const nanos = fractionDigits === 0 ? 0 : fraction * 10 ** (9 - fractionDigits);
  return BigInt(ms) * 1_000_000n + BigInt(nanos);
}
