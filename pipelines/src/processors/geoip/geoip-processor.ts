// Adds `geo.*` attributes to the record (span, log record) or resource whose attributes carry
// the client address; the address ingest saw is the last source and enriches the resource.
import type { Processor, RecordContext, SignalData } from '@otelgate/pipelines/components/component.ts';
import type { KeyValue, Signal } from '@otelgate/pipelines/model/common.ts';
import { LRUCache } from 'lru-cache';
import { type ClientAddress, isPublicAddress, parseClientAddress, truncateAddress } from './client-address.ts';
import type { GeoipConfig } from './config.ts';
import type { GeoDatabase } from './geo-database.ts';
import { type GeoAttributes, geoAttributesOf } from './geo-record.ts';
import { geoipMetrics } from './metrics.ts';

const NOT_FOUND: GeoAttributes = Object.freeze({});

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
  private readonly cache: LRUCache<string, GeoAttributes> | undefined;

  constructor(name: string, config: GeoipConfig, database: GeoDatabase) {
    this.name = name;
    this.config = config;
    this.database = database;
    this.cache = config.cacheSize > 0 ? new LRUCache({ max: config.cacheSize }) : undefined;
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
    for (const key of this.config.sourceAttributes) {
      sourceIndex = indexOfKey(attributes, key);
      if (sourceIndex >= 0) break;
    }
    if (sourceIndex < 0) return false;
    if (indexOfKey(attributes, 'geo.country.iso_code') >= 0) return true; // enriched upstream
    const value = attributes[sourceIndex].value;
    if (!('stringValue' in value)) {
      stats.invalid++;
      return true;
    }
    if (value.stringValue.length > this.config.maxAddressLength) {
      stats.tooLong++;
      return true;
    }
    const address = parseClientAddress(value.stringValue);
    if (!address) {
      stats.invalid++;
      return true;
    }
    this.apply(attributes, address, stats);
    if (this.config.truncateAddress.enabled) {
      const prefix =
        address.family === 4
          ? this.config.truncateAddress.ipv4PrefixLength
          : this.config.truncateAddress.ipv6PrefixLength;
      attributes[sourceIndex] = {
        key: attributes[sourceIndex].key,
        value: { stringValue: truncateAddress(address, prefix) },
      };
    }
    return true;
  }

  private enrichFromPeer(attributes: KeyValue[], ctx: RecordContext, stats: BatchStats): void {
    if (!this.config.usePeerAddress || !ctx.peerAddress) return;
    if (indexOfKey(attributes, 'geo.country.iso_code') >= 0) return;
    const address = parseClientAddress(ctx.peerAddress);
    if (!address) {
      stats.invalid++;
      return;
    }
    this.apply(attributes, address, stats);
  }

  private apply(attributes: KeyValue[], address: ClientAddress, stats: BatchStats): void {
    if (!isPublicAddress(address)) {
      stats.skipped++;
      return;
    }
    const geo = this.lookup(address);
    if (geo === NOT_FOUND) {
      stats.miss++;
      return;
    }
    stats.hit++;
    for (const [key, value] of Object.entries(geo)) {
      attributes.push({ key, value: typeof value === 'number' ? { doubleValue: value } : { stringValue: value } });
    }
  }

  private lookup(address: ClientAddress): GeoAttributes {
    const cached = this.cache?.get(address.text);
    if (cached) return cached;
    const reader = this.database.readerFor(address.family);
    if (!reader) return NOT_FOUND; // IPv6 file still opening; not cached
    let geo: GeoAttributes = NOT_FOUND;
    try {
      geo = geoAttributesOf(reader.get(address.text)) ?? NOT_FOUND;
    } catch {
      // An IPv6 address asked of an IPv4-only database throws: a miss.
    }
    this.cache?.set(address.text, geo);
    return geo;
  }

  private report(signal: Signal, stats: BatchStats): void {
    geoipMetrics.recordsProcessed.add(stats.records, { processor: 'geoip', signal });
    if (stats.hit) geoipMetrics.lookups.add(stats.hit, { result: 'hit' });
    if (stats.miss) geoipMetrics.lookups.add(stats.miss, { result: 'miss' });
    if (stats.skipped) geoipMetrics.lookups.add(stats.skipped, { result: 'skipped' });
    if (stats.invalid) geoipMetrics.lookups.add(stats.invalid, { result: 'invalid' });
    if (stats.tooLong) geoipMetrics.truncated.add(stats.tooLong, { processor: 'geoip', reason: 'length' });
  }

  async shutdown(): Promise<void> {
    this.database.stop();
  }
}

function indexOfKey(attributes: KeyValue[], key: string): number {
  for (let i = 0; i < attributes.length; i++) if (attributes[i].key === key) return i;
  return -1;
}
