// The paged GeoIP reader (processors/geoip/mmdb/) against the `maxmind` package, which holds the
// whole file, on the bundled DB-IP City IPv4 file, in one process so the ratio survives a loaded
// machine: µs per lookup for random public addresses (no locality: every deep tree node misses the
// page cache, the worst case) and for a working set of 2,000 addresses (the common case behind the
// processor's own per-address cache), and the memory each reader holds.
//   node loadtest/bench/scenarios/geoip-lookup.ts [--quick]
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bundledDatabasePaths } from '@otelgate/pipelines/processors/geoip/geo-database.ts';
import { MmdbReader } from '@otelgate/pipelines/processors/geoip/mmdb/mmdb-reader.ts';
import ipaddr from 'ipaddr.js';
import { Reader } from 'maxmind';

const quick = process.argv.includes('--quick');
const LOOKUPS = quick ? 50_000 : 300_000;
const path = bundledDatabasePaths().ipv4;

let seed = 0x9e01;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
const randomAddress = () =>
  `${1 + Math.floor(random() * 223)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
const wide = Array.from({ length: LOOKUPS }, randomAddress);
const workingSet = Array.from({ length: 2_000 }, randomAddress);
const narrow = Array.from({ length: LOOKUPS }, (_, i) => workingSet[(i * 7919) % workingSet.length]);

// A collection before each reading, so garbage does not count as held (run.ts passes no flags).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function memory(): number {
  gc();
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

function measure(lookup: (address: string) => unknown, addresses: string[]): number {
  for (let i = 0; i < 5_000; i++) lookup(addresses[i]);
  const started = performance.now();
  for (const address of addresses) lookup(address);
  return Number((((performance.now() - started) * 1000) / addresses.length).toFixed(2));
}

const base = memory();
const ours = MmdbReader.open(path);
const oursBytes = memory() - base;
const oracleBase = memory();
const oracle = new Reader<object>(readFileSync(path));
const oracleBytes = memory() - oracleBase;
// Both take a parsed address the way the processor has it (ipaddr.js), ours as bytes.
const oursLookup = (a: string) => ours.get(ipaddr.parse(a).toByteArray());
const oracleLookup = (a: string) => oracle.get(a);

const rows = [];
for (const [name, addresses] of [
  ['random public IPv4, no locality', wide],
  ['2,000-address working set', narrow],
] as const) {
  const paged = measure(oursLookup, addresses);
  const whole = measure(oracleLookup, addresses);
  rows.push({ case: name, figures: { paged_us: paged, maxmind_us: whole, ratio: Number((paged / whole).toFixed(2)) } });
  process.stderr.write(`  ${name}: paged ${paged} µs, maxmind ${whole} µs\n`);
}
rows.push({
  case: 'memory held after open (heap + array buffers)',
  figures: {
    paged_mib: Number((oursBytes / 2 ** 20).toFixed(1)),
    maxmind_mib: Number((oracleBytes / 2 ** 20).toFixed(1)),
  },
});
ours.close();
process.stdout.write(`${JSON.stringify({ scenario: 'geoip lookup (paged reader vs maxmind)', rows })}\n`);
