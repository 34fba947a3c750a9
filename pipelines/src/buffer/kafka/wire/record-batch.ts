// Encodes one Kafka record batch (magic 2): the framing, the records (compressed as a block when
// a codec is set) and the CRC-32C over everything from the attributes on. One batch per partition
// per Produce request. Layout: the Kafka protocol's "Record Batch" format.
import type { BatchPool } from './batch-pool.ts';
import { COMPRESSION_IDS, type Compression, type Compressor } from './compression.ts';
import { crc32c } from './crc32c.ts';
import { Writer } from './writer.ts';

export interface ProduceRecord {
  key?: Uint8Array | null;
  value: Uint8Array;
  headers?: Record<string, string>;
}

export interface BatchProducer {
  producerId: bigint;
  epoch: number;
  baseSequence: number;
}

const NO_PRODUCER: BatchProducer = { producerId: -1n, epoch: -1, baseSequence: -1 };

// Every entry of one append shares its headers object: encoded once.
const encodedHeaders = new WeakMap<object, Buffer>();
const NO_HEADERS = Buffer.from([0]);

function headerBytes(headers: Record<string, string> | undefined): Buffer {
  if (!headers) return NO_HEADERS;
  let bytes = encodedHeaders.get(headers);
  if (!bytes) {
    const w = new Writer(64);
    const names = Object.keys(headers);
    w.varint(names.length);
    for (const name of names) {
      const n = Buffer.from(name);
      const v = Buffer.from(headers[name]);
      w.varint(n.length).raw(n).varint(v.length).raw(v);
    }
    bytes = Buffer.from(w.bytes());
    encodedHeaders.set(headers, bytes);
  }
  return bytes;
}

/** Bytes of a zig-zag varint. */
function varintSize(v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (z > 0x7f) {
    z >>>= 7;
    n++;
  }
  return n;
}

function writeRecords(w: Writer, records: readonly ProduceRecord[]): void {
  for (let i = 0; i < records.length; i++) {
    const { key, value, headers } = records[i];
    const h = headerBytes(headers);
    const keyPart = key ? varintSize(key.length) + key.length : 1;
    const length = 2 + varintSize(i) + keyPart + varintSize(value.length) + value.length + h.length;
    // attributes, timestamp delta 0, offset delta i
    w.varint(length).int8(0).varint(0).varint(i);
    if (key) w.varint(key.length).raw(key);
    else w.varint(-1);
    w.varint(value.length).raw(value).raw(h);
  }
}

/**
 * The batch's bytes without the producer fields and the CRC: `stampBatch` writes those right
 * before the batch is sent, so sequence numbers follow the order batches reach the broker even
 * when an earlier one took longer to compress. `compress` set means `codec` is not `none`.
 * With `pool`, the batch is written into a pooled buffer: the caller releases it once sent.
 */
export async function encodeRecordBatch(
  records: readonly ProduceRecord[],
  codec: Compression,
  compress: Compressor | undefined,
  timestamp = Date.now(),
  pool?: BatchPool,
): Promise<Buffer> {
  let size = 61;
  for (const r of records) size += r.value.length + (r.key?.length ?? 0) + 32;
  const w = new Writer(pool ? pool.acquire(size) : size);
  w.int64(0); // base offset: the broker assigns
  const lengthAt = w.reserve32();
  w.int32(-1); // partition leader epoch
  w.int8(2); // magic
  w.reserve32(); // CRC: stampBatch
  w.int16(compress ? COMPRESSION_IDS[codec] : 0);
  w.int32(records.length - 1); // last offset delta
  w.int64(timestamp).int64(timestamp);
  w.int64(-1).int16(-1).int32(-1); // producer id, epoch, base sequence: stampBatch
  w.int32(records.length);
  if (compress) {
    const scratch = pool?.acquire(size);
    const plain = new Writer(scratch ?? size);
    writeRecords(plain, records);
    try {
      w.raw(await compress(plain.bytes()));
    } finally {
      // The codecs are done with their input once they resolve (or fail).
      if (scratch) pool?.release(scratch);
    }
  } else {
    writeRecords(w, records);
  }
  const out = w.bytes();
  w.patchInt32(lengthAt, out.length - 12);
  return out;
}

const PRODUCER_AT = 43;
const CRC_AT = 17;
const CRC_FROM = 21;

/** Writes the idempotent producer's id, epoch and base sequence into a batch, then its CRC. */
export function stampBatch(batch: Buffer, producer: BatchProducer = NO_PRODUCER): void {
  batch.writeBigInt64BE(producer.producerId, PRODUCER_AT);
  batch.writeInt16BE(producer.epoch, PRODUCER_AT + 8);
  batch.writeInt32BE(producer.baseSequence, PRODUCER_AT + 10);
  batch.writeUInt32BE(crc32c(batch, CRC_FROM), CRC_AT);
}

/** Records in an encoded batch. */
export function batchRecordCount(batch: Buffer): number {
  return batch.readInt32BE(57);
}
