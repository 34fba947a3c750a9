// The metadata map at the end of a MaxMind DB file (spec "Database Metadata"), checked so that a
// truncated or foreign file is refused when it is opened, not on some later lookup.
import { DataDecoder, type MmdbValue } from './data-decoder.ts';
import { BufferSource, type FilePages } from './file-pages.ts';
import { MmdbError } from './mmdb-error.ts';

const MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'); // "\xab\xcd\xefMaxMind.com"
const MAX_METADATA_BYTES = 128 * 1024;
/** The NUL bytes between the search tree and the data section. */
export const DATA_SECTION_SEPARATOR = 16;

export interface MmdbMetadata {
  nodeCount: number;
  recordSize: 24 | 28 | 32;
  ipVersion: 4 | 6;
  databaseType: string;
  languages: string[];
  binaryFormatMajorVersion: number;
  binaryFormatMinorVersion: number;
  buildEpoch: bigint;
  description: Record<string, string>;
  /** Bytes of the search tree, from the start of the file. */
  searchTreeSize: number;
  /** Where the data section starts and ends (exclusive) in the file. */
  dataStart: number;
  dataEnd: number;
}

export function readMetadata(pages: FilePages): MmdbMetadata {
  const tailLength = Math.min(pages.size, MAX_METADATA_BYTES);
  const tailStart = pages.size - tailLength;
  const tail = Buffer.from(pages.bytes(tailStart, tailLength));
  const marker = tail.lastIndexOf(MARKER);
  if (marker < 0) {
    throw new MmdbError(
      `${pages.path}: no MaxMind DB metadata in the last ${tailLength} bytes: not an .mmdb file, or truncated`,
    );
  }
  const decoder = new DataDecoder(
    new BufferSource(tail),
    marker + MARKER.length,
    tail.length,
    `${pages.path} metadata`,
  );
  let map: MmdbValue;
  try {
    map = decoder.decode(0);
  } catch (error) {
    throw new MmdbError(`${pages.path}: the metadata is damaged (a truncated file?): ${(error as Error).message}`);
  }
  if (!isMap(map)) throw new MmdbError(`${pages.path}: the metadata is not a map`);

  const nodeCount = unsigned(map, 'node_count', pages.path);
  const recordSize = unsigned(map, 'record_size', pages.path);
  const ipVersion = unsigned(map, 'ip_version', pages.path);
  const major = unsigned(map, 'binary_format_major_version', pages.path);
  if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) {
    throw new MmdbError(`${pages.path}: metadata record_size ${recordSize}: only 24, 28 and 32 exist`);
  }
  if (ipVersion !== 4 && ipVersion !== 6) throw new MmdbError(`${pages.path}: metadata ip_version ${ipVersion}`);
  if (major !== 2) throw new MmdbError(`${pages.path}: binary format ${major}.x, this reader reads 2.x`);
  if (nodeCount === 0) throw new MmdbError(`${pages.path}: metadata node_count is 0`);

  const searchTreeSize = (nodeCount * recordSize * 2) / 8;
  const dataStart = searchTreeSize + DATA_SECTION_SEPARATOR;
  const dataEnd = tailStart + marker;
  if (dataStart > dataEnd) {
    throw new MmdbError(
      `${pages.path}: truncated or corrupt: a search tree of ${nodeCount} nodes needs ${dataStart} bytes before the metadata at ${dataEnd}`,
    );
  }
  return {
    nodeCount,
    recordSize,
    ipVersion,
    databaseType: typeof map.database_type === 'string' ? map.database_type : '',
    languages: Array.isArray(map.languages) ? map.languages.filter((l) => typeof l === 'string') : [],
    binaryFormatMajorVersion: major,
    binaryFormatMinorVersion: typeof map.binary_format_minor_version === 'number' ? map.binary_format_minor_version : 0,
    buildEpoch: typeof map.build_epoch === 'bigint' ? map.build_epoch : 0n,
    description: isMap(map.description)
      ? Object.fromEntries(
          Object.entries(map.description).filter((e): e is [string, string] => typeof e[1] === 'string'),
        )
      : {},
    searchTreeSize,
    dataStart,
    dataEnd,
  };
}

function isMap(value: MmdbValue | undefined): value is { [key: string]: MmdbValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function unsigned(map: { [key: string]: MmdbValue }, key: string, path: string): number {
  const value = map[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MmdbError(`${path}: metadata ${key} is missing or not an unsigned integer`);
  }
  return value;
}
