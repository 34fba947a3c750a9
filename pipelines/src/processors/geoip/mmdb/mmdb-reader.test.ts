import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, open, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { Reader } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledDatabasePaths } from '../geo-database.ts';
import { MmdbError } from './mmdb-error.ts';
import { MmdbReader } from './mmdb-reader.ts';

const testdata = new URL('./testdata/', import.meta.url).pathname;
const readers: MmdbReader[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otelgate-mmdb-'));
});

afterAll(async () => {
  for (const reader of readers) reader.close();
  await rm(dir, { recursive: true, force: true });
});

function openReader(path: string, options = {}): MmdbReader {
  const reader = MmdbReader.open(path, options);
  readers.push(reader);
  return reader;
}

/** A seeded generator, so a failure names addresses that come back on the next run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomIpv4(next: () => number): string {
  return [1 + Math.floor(next() * 223), 0, 0, 0].map((b, i) => (i === 0 ? b : Math.floor(next() * 256))).join('.');
}

// Most of the IPv6 space is unallocated: draw from the regional registries' blocks so lookups hit.
const IPV6_BLOCKS = [0x2001, 0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00];
function randomIpv6(next: () => number): string {
  const first = IPV6_BLOCKS[Math.floor(next() * IPV6_BLOCKS.length)] + Math.floor(next() * 0x100);
  const groups = [first, ...Array.from({ length: 7 }, () => Math.floor(next() * 0x10000))];
  return groups.map((g) => g.toString(16)).join(':');
}

function bytesOf(address: string): number[] {
  return ipaddr.parse(address).toByteArray();
}

/** Our reader and the `maxmind` package agree on every address (IPv6 only asked of IPv6 databases). */
function expectSameAsMaxmind(file: string, addresses: string[]): number {
  const ours = openReader(file);
  const oracle = new Reader<object>(wholeFile(file));
  let found = 0;
  for (const address of addresses) {
    const expected = oracle.get(address);
    const actual = ours.get(bytesOf(address));
    if (actual !== null) found++;
    expect({ address, record: actual }).toEqual({ address, record: expected });
  }
  return found;
}

// The oracle holds the whole file (ours does not): read each file once.
const wholeFiles = new Map<string, Buffer>();
function wholeFile(file: string): Buffer {
  let bytes = wholeFiles.get(file);
  if (!bytes) {
    bytes = readFileSync(file);
    wholeFiles.set(file, bytes);
  }
  return bytes;
}

const SPEC_IPV4 = Array.from({ length: 64 }, (_, i) => `1.1.1.${i}`).concat([
  '2.125.160.216',
  '81.2.69.142',
  '89.160.20.112',
  '216.160.83.56',
  '67.43.156.1',
  '202.196.224.1',
  '175.16.199.1',
  '10.0.0.1',
  '192.168.1.1',
  '127.0.0.1',
  '255.255.255.255',
  '0.0.0.0',
]);
const SPEC_IPV6 = [
  '::1:ffff:ffff',
  '::2:0:0',
  '::2:0:40',
  '::2:0:50',
  '::2:0:58',
  '::1.1.1.1',
  '::ffff:1.1.1.1',
  '::ffff:81.2.69.142',
  '2002:101:101::',
  '2001:218::1',
  '2001:480::1',
  '2a02:cf40::1',
  '::1',
  'fd00::1',
  'fe80::1',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

describe('MmdbReader', () => {
  it('holds a few MiB for the bundled 60-70 MB DB-IP files, not the files', () => {
    const bundled = bundledDatabasePaths();
    const before = process.memoryUsage().arrayBuffers;
    const ipv4 = openReader(bundled.ipv4);
    const ipv6 = openReader(bundled.ipv6);
    const next = random(7);
    for (let i = 0; i < 5_000; i++) {
      ipv4.get(bytesOf(randomIpv4(next)));
      ipv6.get(bytesOf(randomIpv6(next)));
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(12 * 2 ** 20);
  });

  it('reads every data type the spec defines like the maxmind package (decoder test database)', () => {
    const file = join(testdata, 'MaxMind-DB-test-decoder.mmdb');
    const record = openReader(file).get(bytesOf('1.1.1.0'));
    expect(record).toEqual({
      array: [1, 2, 3],
      boolean: true,
      bytes: Buffer.from([0, 0, 0, 42]),
      double: 42.123456,
      float: expect.closeTo(1.1, 6),
      int32: -268435456,
      map: { mapX: { arrayX: [7, 8, 9], utf8_stringX: 'hello' } },
      uint128: 1n << 120n,
      uint16: 100,
      uint32: 2 ** 28,
      uint64: 1n << 60n,
      utf8_string: 'unicode! ☯ - ♫',
    });
    expectSameAsMaxmind(file, [...SPEC_IPV4, ...SPEC_IPV6]);
  });

  it('reads the metadata map, pointers in it included', () => {
    for (const name of ['MaxMind-DB-test-decoder.mmdb', 'MaxMind-DB-test-metadata-pointers.mmdb']) {
      const file = join(testdata, name);
      const oracle = new Reader<object>(wholeFile(file)).metadata;
      const ours = openReader(file).metadata;
      expect(ours).toMatchObject({
        nodeCount: oracle.nodeCount,
        recordSize: oracle.recordSize,
        ipVersion: oracle.ipVersion,
        databaseType: oracle.databaseType,
        languages: oracle.languages,
        binaryFormatMajorVersion: oracle.binaryFormatMajorVersion,
        description: oracle.description,
        searchTreeSize: oracle.searchTreeSize,
      });
      expect(Number(ours.buildEpoch) * 1000).toBe(oracle.buildEpoch.getTime());
    }
  });

  it.each(['MaxMind-DB-test-ipv4-24.mmdb', 'MaxMind-DB-test-ipv4-28.mmdb', 'MaxMind-DB-test-ipv4-32.mmdb'])(
    'finds the same networks as the maxmind package in the IPv4 tree %s',
    (name) => {
      const file = join(testdata, name);
      expect(expectSameAsMaxmind(file, SPEC_IPV4)).toBeGreaterThan(0);
      // An IPv6 address has no place in an IPv4 tree.
      expect(openReader(file).get(bytesOf('2001:218::1'))).toBeNull();
    },
  );

  it.each([
    'MaxMind-DB-test-ipv6-24.mmdb',
    'MaxMind-DB-test-ipv6-28.mmdb',
    'MaxMind-DB-test-ipv6-32.mmdb',
    'MaxMind-DB-test-mixed-24.mmdb',
    'MaxMind-DB-test-mixed-28.mmdb',
    'MaxMind-DB-test-mixed-32.mmdb',
    'MaxMind-DB-test-nested.mmdb',
    'MaxMind-DB-test-pointer-decoder.mmdb',
    'MaxMind-DB-no-ipv4-search-tree.mmdb',
    'MaxMind-DB-string-value-entries.mmdb',
    'GeoIP2-City-Test.mmdb',
  ])(
    'finds the same records as the maxmind package in the IPv6 tree %s (IPv4 subtree and aliases included)',
    (name) => {
      const file = join(testdata, name);
      expect(expectSameAsMaxmind(file, [...SPEC_IPV4, ...SPEC_IPV6])).toBeGreaterThan(0);
    },
  );

  it('agrees with the maxmind package on 20,000 IPv4 addresses of the bundled DB-IP IPv4 file', () => {
    const next = random(15);
    const addresses = Array.from({ length: 20_000 }, () => randomIpv4(next)).concat(SPEC_IPV4);
    const found = expectSameAsMaxmind(bundledDatabasePaths().ipv4, addresses);
    expect(found).toBeGreaterThan(15_000);
  });

  it('agrees with the maxmind package on 20,000 IPv6 addresses of the bundled DB-IP IPv6 file, and finds no IPv4 in it', () => {
    const next = random(16);
    const addresses = Array.from({ length: 20_000 }, () => randomIpv6(next)).concat(SPEC_IPV6, SPEC_IPV4);
    const found = expectSameAsMaxmind(bundledDatabasePaths().ipv6, addresses);
    expect(found).toBeGreaterThan(1_000);
  });

  it('refuses at open a file cut short, naming the file and what is missing', async () => {
    const source = bundledDatabasePaths().ipv4;
    const whole = await readFile(source);
    for (const length of [Math.floor(whole.length / 2), whole.length - 100, 10]) {
      const path = join(dir, `cut-${length}.mmdb`);
      await writeFile(path, whole.subarray(0, length));
      expect(() => MmdbReader.open(path)).toThrow(MmdbError);
      expect(() => MmdbReader.open(path)).toThrow(new RegExp(`${path}: .*truncated`));
    }
  });

  it('refuses at open a file whose search tree was cut, or that is not a database', async () => {
    const whole = await readFile(join(testdata, 'MaxMind-DB-test-ipv4-24.mmdb'));
    const cut = join(dir, 'tree-cut.mmdb');
    await writeFile(cut, whole.subarray(600));
    expect(() => MmdbReader.open(cut)).toThrow(/truncated or corrupt|no 16 NUL bytes/);
    const empty = join(dir, 'empty.mmdb');
    await writeFile(empty, '');
    expect(() => MmdbReader.open(empty)).toThrow(/no MaxMind DB metadata/);
    expect(() => MmdbReader.open(join(dir, 'absent.mmdb'))).toThrow(/ENOENT/);
  });

  it('refuses at open a database whose records point past the data section', () => {
    expect(() => MmdbReader.open(join(testdata, 'MaxMind-DB-test-broken-pointers-24.mmdb'))).toThrow(
      /corrupt search tree: node \d+ points to \d+, outside the data section/,
    );
  });

  it('throws only MmdbError, never another error, on a database with a broken search tree', () => {
    const reader = openReader(join(testdata, 'MaxMind-DB-test-broken-search-tree-24.mmdb'));
    for (const address of [...SPEC_IPV4, ...Array.from({ length: 256 }, (_, i) => `1.1.${i}.1`)]) {
      try {
        reader.get(bytesOf(address));
      } catch (error) {
        expect(error).toBeInstanceOf(MmdbError);
      }
    }
  });

  it('notices a file overwritten in place after it was opened instead of mixing two databases', async () => {
    const path = join(dir, 'overwritten.mmdb');
    await copyFile(bundledDatabasePaths().ipv4, path);
    const reader = openReader(path, { maxPages: 4 });
    expect(reader.get(bytesOf('8.8.8.8'))).toMatchObject({ country_code: 'US' });
    const handle = await open(path, 'r+');
    await handle.write(Buffer.alloc(4096), 0, 4096, 1_000_000);
    await handle.close();
    await utimes(path, new Date(), new Date(Date.now() + 5_000));
    // Page misses check the file at most every 50 ms: keep missing until one does.
    const next = random(3);
    const deadline = performance.now() + 10_000;
    expect(() => {
      while (performance.now() < deadline) reader.get(bytesOf(randomIpv4(next)));
    }).toThrow(/changed since it was opened/);
  });

  it('refuses addresses that are neither 4 nor 16 bytes', () => {
    const reader = openReader(join(testdata, 'MaxMind-DB-test-ipv4-24.mmdb'));
    expect(() => reader.get([1, 2, 3])).toThrow(/4 or 16 bytes/);
  });
});
