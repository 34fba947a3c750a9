// RFC 3339 timestamps with up to nanosecond fractions (Docker, CRI, RFC 5424) to Unix nanoseconds.
// Date.parse keeps milliseconds only, so the fraction is read by hand.
const SHAPE = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

export function rfc3339ToUnixNano(text: string): bigint | undefined {
  const match = SHAPE.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1].replace(' ', 'T')}${match[3] === 'z' ? 'Z' : match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = match[2] ? BigInt(match[2].padEnd(9, '0')) : 0n;
  return BigInt(seconds) * 1_000_000n + fraction;
}
