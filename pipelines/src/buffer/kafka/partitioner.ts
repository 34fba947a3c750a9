// Where a keyed message goes, and what a trace's key is: `buffer.kafka.partitioner`.
//
// - `collector`: what the OpenTelemetry Collector's kafka exporter does with
//   `partition_traces_by_id`: the key is the trace id as 32 lowercase hex characters, placed by
//   Sarama's default hash partitioner (franz-go's `SaramaCompatHasher(fnv32a)` in newer
//   Collectors): FNV-1a 32-bit of the key read as a signed int32, remainder by the partition
//   count (Go's `%` keeps the dividend's sign), negated when negative. A Collector exporting the
//   same trace ids to the same topics puts them on the same partitions as we do.
// - `murmur2`: the Java client's default partitioner (franz-go and librdkafka's
//   `murmur2_random` agree), with the 16 raw trace id bytes as the key.
import { murmur2 } from './murmur2.ts';

export type PartitionerName = 'murmur2' | 'collector';

export interface Partitioner {
  readonly name: PartitionerName;
  /** A non-negative number whose remainder by the partition count is the key's partition. */
  hash(key: Uint8Array): number;
  /** The message key of a trace, from its 16-byte id. */
  traceKey(traceId: Uint8Array): Uint8Array;
  /** `hash(traceKey(traceId))` without building the key (ingest asks once per trace). */
  traceHash(traceId: Uint8Array): number;
}

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/** FNV-1a, 32 bits (Go's hash/fnv New32a), as an unsigned number. */
export function fnv1a32(data: Uint8Array): number {
  let h = OFFSET_BASIS;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], PRIME);
  return h >>> 0;
}

const HEX = new TextEncoder().encode('0123456789abcdef');

/** FNV-1a of the id written as lowercase hex, reading the hex digits from the raw bytes. */
function fnv1a32OfHex(id: Uint8Array): number {
  let h = OFFSET_BASIS;
  for (let i = 0; i < id.length; i++) {
    h = Math.imul(h ^ HEX[id[i] >> 4], PRIME);
    h = Math.imul(h ^ HEX[id[i] & 15], PRIME);
  }
  return h >>> 0;
}

function hexKey(traceId: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(traceId.length * 2);
  for (let i = 0; i < traceId.length; i++) {
    out[i * 2] = HEX[traceId[i] >> 4];
    out[i * 2 + 1] = HEX[traceId[i] & 15];
  }
  return out;
}

export const PARTITIONERS: Record<PartitionerName, Partitioner> = {
  // |int32(h)| % n equals Sarama's "int32(h) % n, negated when negative" for every n.
  collector: {
    name: 'collector',
    hash: (key) => Math.abs(fnv1a32(key) | 0),
    traceKey: hexKey,
    traceHash: (traceId) => Math.abs(fnv1a32OfHex(traceId) | 0),
  },
  murmur2: {
    name: 'murmur2',
    hash: (key) => murmur2(key) & 0x7fffffff,
    traceKey: (traceId) => traceId,
    traceHash: (traceId) => murmur2(traceId) & 0x7fffffff,
  },
};

/** The partition of `key` among `partitions`. */
export function partitionFor(partitioner: Partitioner, key: Uint8Array, partitions: number): number {
  return partitioner.hash(key) % partitions;
}
