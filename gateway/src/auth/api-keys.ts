import { createHash, timingSafeEqual } from 'node:crypto';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { AuthConfig } from '../config/schema.ts';

export interface TenantResolver {
  readonly enabled: boolean;
  /**
   * The tenant the presented key names; throws `unauthenticated` (no key) or `permission-denied`
   * (unknown key). `header` reads a request header (HTTP) or metadata entry (gRPC) by lower-case name.
   */
  resolve(header: (name: string) => string | undefined): string;
}

interface KnownKey {
  digest: Buffer;
  tenant: string;
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * API keys map to tenants. Keys are compared as SHA-256 digests with timingSafeEqual against
 * every configured key (no early exit), so neither the key length nor a matching prefix shows
 * in the timing. The tenant comes from the key, never from the payload.
 */
export function createTenantResolver(config: AuthConfig): TenantResolver {
  const known: KnownKey[] = config.apiKeys.map(({ key, tenant }) => ({ digest: digest(key), tenant }));
  if (known.length === 0) {
    return { enabled: false, resolve: () => config.defaultTenant };
  }
  return {
    enabled: true,
    resolve(header) {
      const presented = bearerToken(header('authorization')) ?? header(config.header)?.trim();
      if (!presented) {
        throw new OtelgateError(
          'unauthenticated',
          `missing API key: send "Authorization: Bearer <key>" or "${config.header}: <key>"`,
        );
      }
      const candidate = digest(presented);
      let tenant: string | undefined;
      for (const key of known) {
        if (timingSafeEqual(candidate, key.digest) && tenant === undefined) tenant = key.tenant;
      }
      if (tenant === undefined) throw new OtelgateError('permission-denied', 'API key not recognised');
      return tenant;
    },
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
