// Adds `geo.*` attributes to the record (span, log record) or resource whose attributes carry
// the client address; the address ingest saw is the last source and enriches the resource.
import type { Processor, RecordContext, SignalData } from '@otelgate/pipelines/components/component.ts';
import type { AnyValue, KeyValue, Signal } from '@otelgate/pipelines/model/common.ts';
import { LRUCache } from 'lru-cache';
import { isPublicAddress, parseClientAddress, truncateAddress } from './client-address.ts';
import type { GeoipConfig } from './config.ts';
import type { GeoDatabase } from './geo-database.ts';
import { type GeoAttributes, geoAttributesOf } from './geo-record.ts';
import type { GeoipMetrics } from './metrics.ts';

type Outcome = 'hit' | 'miss' | 'skipped' | 'invalid';

/** What a raw attribute value resolves to; cached by the raw text, so a repeated client costs one map lookup. */
interface Resolved {
  outcome: Outcome;
  /** The geo attributes to add (values shared, never mutated downstream: processors replace values). */
  attributes: readonly (readonly [string, AnyValue])[];
  /** The value with the address truncated, when truncation is on. */
  truncated: string | undefined;
}

const NOTHING: readonly (readonly [string, AnyValue])[] = [];

interface BatchStats {
  records: number;
  hit: number;
  miss: number;
  skipped: number;
  invalid: number;
  tooLong: number;
}

export class GeoipProcessor implements Processor {
  readonly name: string;
  readonly signals = ['traces', 'logs', 'metrics'] as const;
  private readonly config: GeoipConfig;
  private readonly database: GeoDatabase;
  private readonly cache: LRUCache<string, Resolved> | undefined;
  private readonly sourceRanks: Map<string, number>;
  private readonly metrics: GeoipMetrics;

  constructor(name: string, config: GeoipConfig, database: GeoDatabase, metrics: GeoipMetrics) {
    this.name = name;
    this.metrics = metrics;
    this.config = config;
    this.database = database;
    this.cache = config.cacheSize > 0 ? new LRUCache({ max: config.cacheSize }) : undefined;
    this.sourceRanks = new Map(config.sourceAttributes.map((key, rank) => [key, rank]));
  }

  /** Forget cached lookups (after the database changed). */
  clearCache(): void {
    this.cache?.clear();
  }

  process<S extends Signal>(signal: S, data: SignalData[S], ctx: RecordContext): SignalData[S] {
    const stats: BatchStats = { records: 0, hit: 0, miss: 0, skipped: 0, invalid: 0, tooLong: 0 };
    if (signal === 'traces') {
      for (const rs of (data as SignalData['traces']).resourceSpans) {
        let found = this.enrich(rs.resource.attributes, stats);
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            stats.records++;
            found = this.enrich(span.attributes, stats) || found;
          }
        }
        if (!found) this.enrichFromPeer(rs.resource.attributes, ctx, stats);
      }
    } else if (signal === 'logs') {
      for (const rl of (data as SignalData['logs']).resourceLogs) {
        let found = this.enrich(rl.resource.attributes, stats);
        for (const sl of rl.scopeLogs) {
          for (const record of sl.logRecords) {
            stats.records++;
            found = this.enrich(record.attributes, stats) || found;
          }
        }
        if (!found) this.enrichFromPeer(rl.resource.attributes, ctx, stats);
      }
    } else {
      // Metrics: the resource only; per-point geo would multiply series.
      for (const rm of (data as SignalData['metrics']).resourceMetrics) {
        stats.records++;
        if (!this.enrich(rm.resource.attributes, stats)) this.enrichFromPeer(rm.resource.attributes, ctx, stats);
      }
    }
    this.report(signal, stats);
    return data;
  }

  /** Looks for a source attribute in `attributes`; true when one was there (public or not). */
  private enrich(attributes: KeyValue[], stats: BatchStats): boolean {
    let sourceIndex = -1;
    let sourceRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i < attributes.length; i++) {
      const key = attributes[i].key;
      const rank = this.sourceRanks.get(key);
      if (rank !== undefined && rank < sourceRank) {
        sourceRank = rank;
        sourceIndex = i;
      } else if (key === 'geo.country.iso_code') {
        return true; // enriched upstream
      }
    }
    if (sourceIndex < 0) return false;
    const value = attributes[sourceIndex].value;
    if (!('stringValue' in value)) {
      stats.invalid++;
      return true;
    }
    if (value.stringValue.length > this.config.maxAddressLength) {
      stats.tooLong++;
      return true;
    }
    const resolved = this.resolve(value.stringValue);
    this.apply(attributes, resolved, stats);
    if (resolved.truncated !== undefined) {
      attributes[sourceIndex] = { key: attributes[sourceIndex].key, value: { stringValue: resolved.truncated } };
    }
    return true;
  }

  private enrichFromPeer(attributes: KeyValue[], ctx: RecordContext, stats: BatchStats): void {
    if (!this.config.usePeerAddress || !ctx.peerAddress) return;
    if (indexOfKey(attributes, 'geo.country.iso_code') >= 0) return;
    this.apply(attributes, this.resolve(ctx.peerAddress, false), stats);
  }

  private apply(attributes: KeyValue[], resolved: Resolved, stats: BatchStats): void {
    stats[resolved.outcome]++;
    for (const [key, value] of resolved.attributes) attributes.push({ key, value });
  }

  private resolve(raw: string, truncate = true): Resolved {
    const cacheKey = truncate ? raw : `peer:${raw}`;
    const cached = this.cache?.get(cacheKey);
    if (cached) return cached;
    const address = parseClientAddress(raw);
    let resolved: Resolved;
    let cacheable = true;
    if (!address) resolved = { outcome: 'invalid', attributes: NOTHING, truncated: undefined };
    else if (!isPublicAddress(address)) resolved = { outcome: 'skipped', attributes: NOTHING, truncated: undefined };
    else {
      const reader = this.database.readerFor(address.family);
      let geo: GeoAttributes | undefined;
      try {
        // No reader: stopped. A throw: a file damaged or overwritten after it was opened (logged once).
        // Either is a miss that is not cached; the address is still truncated when configured.
        geo = reader ? geoAttributesOf(reader.get(address.parsed.toByteArray())) : undefined;
        cacheable = reader !== undefined;
      } catch (error) {
        this.database.lookupFailed(address.family, error);
        cacheable = false;
      }
      const attributes = geo
        ? Object.entries(geo).map(
            ([key, value]) =>
              [key, typeof value === 'number' ? { doubleValue: value } : { stringValue: value }] as const,
          )
        : NOTHING;
      resolved = { outcome: geo ? 'hit' : 'miss', attributes, truncated: undefined };
    }
    const t = this.config.truncateAddress;
    if (truncate && t.enabled && address) {
      resolved.truncated = truncateAddress(address, address.family === 4 ? t.ipv4PrefixLength : t.ipv6PrefixLength);
    }
    if (cacheable) this.cache?.set(cacheKey, resolved);
    return resolved;
  }

  private report(signal: Signal, stats: BatchStats): void {
    this.metrics.recordsProcessed.add(stats.records, { processor: 'geoip', signal });
    if (stats.hit) this.metrics.lookups.add(stats.hit, { result: 'hit' });
    if (stats.miss) this.metrics.lookups.add(stats.miss, { result: 'miss' });
    if (stats.skipped) this.metrics.lookups.add(stats.skipped, { result: 'skipped' });
    if (stats.invalid) this.metrics.lookups.add(stats.invalid, { result: 'invalid' });
    if (stats.tooLong) this.metrics.truncated.add(stats.tooLong, { processor: 'geoip', reason: 'length' });
  }

  async shutdown(): Promise<void> {
    this.database.stop();
  }
}

function indexOfKey(attributes: KeyValue[], key: string): number {
  for (let i = 0; i < attributes.length; i++) if (attributes[i].key === key) return i;
  return -1;
}
