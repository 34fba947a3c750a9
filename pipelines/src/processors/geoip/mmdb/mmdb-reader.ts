// A MaxMind DB (.mmdb) reader whose memory does not grow with the database file.
//
// Written here rather than taken from npm because every maintained JavaScript reader (`maxmind`
// on `mmdb-lib`, `mmdb-reader`, `maxmind-db-reader`) takes the whole file as one Buffer: the two
// bundled DB-IP City files alone are ~128 MiB of a worker's RSS. This one reads the file with
// positioned reads through a bounded page cache, so a worker holds a few MiB whatever the file
// size; decoded records are cached by their data-section offset (many networks share one record).
import { LRUCache } from 'lru-cache';
import { DataDecoder, type MmdbValue } from './data-decoder.ts';
import { FilePages } from './file-pages.ts';
import { type MmdbMetadata, readMetadata } from './metadata.ts';
import { MmdbError } from './mmdb-error.ts';
import { NOT_FOUND, SearchTree } from './search-tree.ts';
import { checkSearchTree } from './tree-check.ts';

export interface MmdbReaderOptions {
  /** 512-byte pages of the file kept in memory (search-tree nodes and records recently read): 4 MiB. */
  maxPages?: number;
  /** Decoded records kept, by data-section offset. */
  recordCacheSize?: number;
}

export const DEFAULT_MAX_PAGES = 8192;
export const DEFAULT_RECORD_CACHE_SIZE = 4096;

// Addresses looked up once at open (after the whole tree was checked): their records decode.
const PROBES = [
  [1, 1, 1, 1],
  [8, 8, 8, 8],
  [81, 2, 69, 142],
  [0x20, 0x01, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88],
  [0x2a, 0x02, 0x09, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
];

export class MmdbReader {
  readonly metadata: MmdbMetadata;
  private readonly pages: FilePages;
  private readonly tree: SearchTree;
  private readonly decoder: DataDecoder;
  private readonly records: LRUCache<number, { value: MmdbValue }>;

  private constructor(pages: FilePages, options: MmdbReaderOptions) {
    this.pages = pages;
    this.metadata = readMetadata(pages);
    this.checkSeparator();
    checkSearchTree(pages, this.metadata);
    this.tree = new SearchTree(pages, this.metadata);
    this.decoder = new DataDecoder(pages, this.metadata.dataStart, this.metadata.dataEnd, pages.path);
    this.records = new LRUCache({ max: Math.max(1, options.recordCacheSize ?? DEFAULT_RECORD_CACHE_SIZE) });
    for (const probe of PROBES) this.get(probe);
  }

  /** Opens and checks a database file; throws an MmdbError naming what is wrong. */
  static open(path: string, options: MmdbReaderOptions = {}): MmdbReader {
    const pages = new FilePages(path, options.maxPages ?? DEFAULT_MAX_PAGES);
    try {
      return new MmdbReader(pages, options);
    } catch (error) {
      pages.close();
      throw error;
    }
  }

  /** The file's size, modification time and inode when it was opened (to notice a replaced file). */
  get file(): { size: number; mtimeMs: number; ino: number } {
    return { size: this.pages.size, mtimeMs: this.pages.mtimeMs, ino: this.pages.ino };
  }

  /**
   * The record for an address given as its 4 or 16 bytes, or null when the database has none.
   * Records are shared between calls: read them, never change them.
   */
  get(address: ArrayLike<number>): MmdbValue | null {
    if (address.length !== 4 && address.length !== 16) {
      throw new MmdbError(`an address is 4 or 16 bytes, not ${address.length}`);
    }
    const offset = this.tree.find(address);
    if (offset === NOT_FOUND) return null;
    let cached = this.records.get(offset);
    if (!cached) {
      cached = { value: this.decoder.decode(offset) };
      this.records.set(offset, cached);
    }
    return cached.value;
  }

  close(): void {
    this.records.clear();
    this.pages.close();
  }

  private checkSeparator(): void {
    const { searchTreeSize, dataStart } = this.metadata;
    const separator = this.pages.bytes(searchTreeSize, dataStart - searchTreeSize);
    if (separator.some((b) => b !== 0)) {
      throw new MmdbError(
        `${this.pages.path}: corrupt: no 16 NUL bytes after the search tree at ${searchTreeSize} (wrong node_count, or a damaged file)`,
      );
    }
  }
}
