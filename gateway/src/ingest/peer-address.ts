import { BlockList, isIP } from 'node:net';

/** An IPv4 peer on a dual-stack socket shows as `::ffff:1.2.3.4`; this gives `1.2.3.4`. */
export function unmappedAddress(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The client address for geoip: the socket peer, or, when that peer is a trusted proxy, the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy (left-most entries are
 * whatever the client claims and cannot be believed).
 */
export function createPeerAddressResolver(
  trustedProxies: string[],
): (remote: string | undefined, forwardedFor: string | undefined) => string | undefined {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(prefix), family);
  }
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (remote, forwardedFor) => {
    const peer = unmappedAddress(remote);
    if (!peer || trustedProxies.length === 0 || !isTrusted(peer) || !forwardedFor) return peer;
    const hops = forwardedFor
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => isIP(hop) !== 0);
    for (let index = hops.length - 1; index >= 0; index--) {
      if (!isTrusted(hops[index])) return hops[index];
    }
    return hops[0] ?? peer;
  };
}
