import { z } from 'zod';

export const DEFAULT_SOURCE_ATTRIBUTES = ['client.address', 'http.client_ip', 'source.address', 'network.peer.address'];

export const geoipConfigSchema = z
  .object({
    /**
     * A MaxMind-format database (.mmdb: GeoLite2/GeoIP2 City or Country, DB-IP). Unset: the
     * bundled DB-IP City Lite database (IPv4 and IPv6 files).
     */
    database: z.string().min(1).optional(),
    /** A second database for IPv6 addresses, for vendors that ship one file per family (DB-IP Lite). */
    databaseIpv6: z.string().min(1).optional(),
    /** How often the database files are checked for changes (a changed file is reloaded in place); 0 turns it off. */
    reloadCheckIntervalMs: z.number().int().min(0).default(60_000),
    /** Attributes holding the client address, first found wins; looked up on the record, then the resource. */
    sourceAttributes: z.array(z.string().min(1)).default(DEFAULT_SOURCE_ATTRIBUTES),
    /** Fall back to the address ingest saw (browser data sent straight to the gateway); sets geo on the resource. */
    usePeerAddress: z.boolean().default(true),
    /** Lookups remembered (LRU), misses included. */
    cacheSize: z.number().int().min(0).default(10_000),
    /** Longest attribute value read as an address; longer values are skipped and counted. */
    maxAddressLength: z.number().int().min(7).default(64),
    /** Privacy: after the lookup, replace the source attribute by its network address. */
    truncateAddress: z
      .object({
        enabled: z.boolean().default(false),
        ipv4PrefixLength: z.number().int().min(0).max(32).default(24),
        ipv6PrefixLength: z.number().int().min(0).max(128).default(48),
      })
      .prefault({}),
  })
  .strict();

export type GeoipConfig = z.infer<typeof geoipConfigSchema>;
