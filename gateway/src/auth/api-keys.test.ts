import { describe, expect, it } from 'vitest';
import { createTenantResolver } from './api-keys.ts';

const headers = (values: Record<string, string>) => (name: string) => values[name];

describe('API keys', () => {
  const resolver = createTenantResolver({
    apiKeys: [
      { key: 'aaaaaaaaaaaaaaaaaaaa', tenant: 'alpha' },
      { key: 'bbbbbbbbbbbbbbbbbbbb', tenant: 'beta' },
    ],
    header: 'x-api-key',
    defaultTenant: 'default',
  });

  it('maps a bearer token or the key header to its tenant', () => {
    expect(resolver.resolve(headers({ authorization: 'Bearer aaaaaaaaaaaaaaaaaaaa' }))).toBe('alpha');
    expect(resolver.resolve(headers({ 'x-api-key': 'bbbbbbbbbbbbbbbbbbbb' }))).toBe('beta');
  });

  it('is unauthenticated without a key and permission-denied with a wrong one', () => {
    expect(() => resolver.resolve(headers({}))).toThrow(expect.objectContaining({ kind: 'unauthenticated' }));
    expect(() => resolver.resolve(headers({ authorization: 'Basic abc' }))).toThrow(
      expect.objectContaining({ kind: 'unauthenticated' }),
    );
    expect(() => resolver.resolve(headers({ authorization: 'Bearer aaaaaaaaaaaaaaaaaaab' }))).toThrow(
      expect.objectContaining({ kind: 'permission-denied' }),
    );
    expect(() => resolver.resolve(headers({ 'x-api-key': 'aaaa' }))).toThrow(
      expect.objectContaining({ kind: 'permission-denied' }),
    );
  });

  it('is off without keys: everything belongs to the default tenant', () => {
    const open = createTenantResolver({ apiKeys: [], header: 'x-api-key', defaultTenant: 'shared' });
    expect(open.enabled).toBe(false);
    expect(open.resolve(headers({}))).toBe('shared');
  });
});
