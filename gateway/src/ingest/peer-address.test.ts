import { describe, expect, it } from 'vitest';
import { createPeerAddressResolver } from './peer-address.ts';

describe('peer address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const resolve = createPeerAddressResolver([]);
    expect(resolve('::ffff:203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
  });

  it('takes the right-most untrusted X-Forwarded-For hop behind a trusted proxy', () => {
    const resolve = createPeerAddressResolver(['10.0.0.0/8', '192.168.1.1']);
    expect(resolve('10.1.2.3', '198.51.100.7, 203.0.113.5, 192.168.1.1')).toBe('203.0.113.5');
    expect(resolve('10.1.2.3', 'not-an-ip')).toBe('10.1.2.3');
  });

  it('ignores X-Forwarded-For from a peer that is not trusted', () => {
    const resolve = createPeerAddressResolver(['10.0.0.0/8']);
    expect(resolve('203.0.113.9', '198.51.100.7')).toBe('203.0.113.9');
  });
});
