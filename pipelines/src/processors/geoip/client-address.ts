// Reading a client address out of an attribute value: `203.0.113.7`, `203.0.113.7:5123`,
// `[2001:db8::1]:443`, `2001:db8::1`, or an X-Forwarded-For list (the first entry is the client).
import ipaddr from 'ipaddr.js';

export interface ClientAddress {
  /** Canonical text, the cache key. */
  text: string;
  family: 4 | 6;
  parsed: ipaddr.IPv4 | ipaddr.IPv6;
}

export function parseClientAddress(raw: string): ClientAddress | undefined {
  let value = raw.trim();
  const comma = value.indexOf(',');
  if (comma >= 0) value = value.slice(0, comma).trim();
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return undefined;
    value = value.slice(1, close);
  } else if (value.indexOf(':') > 0 && value.indexOf(':') === value.lastIndexOf(':')) {
    value = value.slice(0, value.indexOf(':')); // ipv4:port
  }
  if (!ipaddr.isValid(value)) return undefined;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(value);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.kind() === 'ipv4') {
    if (!ipaddr.IPv4.isValidFourPartDecimal(value) && !value.includes(':')) return undefined;
    return { text: parsed.toString(), family: 4, parsed };
  }
  return { text: (parsed as ipaddr.IPv6).toRFC5952String(), family: 6, parsed };
}

/** Only globally routed unicast addresses are looked up: private, loopback, link-local, reserved, documentation, CGNAT are skipped. */
export function isPublicAddress(address: ClientAddress): boolean {
  return address.parsed.range() === 'unicast';
}

/** The network address of `address` with the given prefix length (`203.0.113.7` /24 -> `203.0.113.0`). */
export function truncateAddress(address: ClientAddress, prefixLength: number): string {
  const bytes = address.parsed.toByteArray();
  let bits = prefixLength;
  for (let i = 0; i < bytes.length; i++) {
    if (bits >= 8) bits -= 8;
    else {
      bytes[i] = bits === 0 ? 0 : bytes[i] & (0xff << (8 - bits)) & 0xff;
      bits = 0;
    }
  }
  const truncated = ipaddr.fromByteArray(bytes);
  return truncated.kind() === 'ipv6' ? (truncated as ipaddr.IPv6).toRFC5952String() : truncated.toString();
}
