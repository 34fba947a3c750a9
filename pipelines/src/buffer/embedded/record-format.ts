// The on-disk record frame (docs/ARCHITECTURE.md, "Embedded log"). Big-endian throughout:
//
//   u32 bodyLength | u32 crc32(body) | body
//   body = u8 magic (1) | u8 flags (bit 0: key present) | u64 offset | f64 timestamp ms
//        | u32 keyLength | u16 headerCount | key | headers (u16 nameLength, name, u32 valueLength, value)*
//        | u32 valueLength | value
//
// The frame is built in two parts so a large value is written straight from the caller's
// buffer (writev) instead of being copied: `meta` (everything up to the value) and the value.
import { crc32 } from 'node:zlib';
import type { BufferEntry } from '../buffer.ts';

export const FRAME_PREFIX_BYTES = 8;
const FIXED_BODY_BYTES = 24;
/** Smallest possible body: the fixed part plus the value length. */
export const MIN_BODY_BYTES = FIXED_BODY_BYTES + 4;
export const MAGIC = 1;
const FLAG_KEY = 1;
/** Values below this are copied into the meta buffer: one iovec per small record. */
const INLINE_VALUE_BYTES = 4096;

/** A record framed except for its offset, timestamp and checksum, which are set at commit time. */
export interface PreparedRecord {
  readonly meta: Buffer;
  /** Undefined when the value was inlined into `meta`. */
  readonly value: Uint8Array | undefined;
  readonly size: number;
}

export function prepareRecord(entry: BufferEntry): PreparedRecord {
  const key = entry.key;
  const headers = entry.headers;
  // Header strings are written straight into the frame (no intermediate buffers): measure first.
  let headerCount = 0;
  let headerBytes = 0;
  for (const name in headers) {
    headerCount++;
    headerBytes += 6 + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(headers[name], 'utf8');
  }
  const value = entry.value;
  const inline = value.length < INLINE_VALUE_BYTES;
  const metaBytes = FRAME_PREFIX_BYTES + FIXED_BODY_BYTES + (key?.length ?? 0) + headerBytes + 4;
  const meta = Buffer.allocUnsafe(metaBytes + (inline ? value.length : 0));
  const bodyLength = metaBytes - FRAME_PREFIX_BYTES + value.length;
  meta.writeUInt32BE(bodyLength, 0);
  meta.writeUInt32BE(0, 4);
  meta[8] = MAGIC;
  meta[9] = key ? FLAG_KEY : 0;
  meta.fill(0, 10, 26);
  meta.writeUInt32BE(key?.length ?? 0, 26);
  meta.writeUInt16BE(headerCount, 30);
  let pos = 32;
  if (key) {
    meta.set(key, pos);
    pos += key.length;
  }
  for (const name in headers) {
    const nameLength = meta.write(name, pos + 2, 'utf8');
    meta.writeUInt16BE(nameLength, pos);
    pos += 2 + nameLength;
    const valueLength = meta.write(headers[name], pos + 4, 'utf8');
    meta.writeUInt32BE(valueLength, pos);
    pos += 4 + valueLength;
  }
  meta.writeUInt32BE(value.length, pos);
  if (inline) meta.set(value, pos + 4);
  return { meta, value: inline ? undefined : value, size: FRAME_PREFIX_BYTES + bodyLength };
}

/** Sets offset and timestamp and computes the checksum; safe to call again on retry. */
export function sealRecord(record: PreparedRecord, offset: bigint, timestamp: number): void {
  const { meta, value } = record;
  meta.writeBigUInt64BE(offset, 10);
  meta.writeDoubleBE(timestamp, 18);
  let crc = crc32(meta.subarray(FRAME_PREFIX_BYTES));
  if (value) crc = crc32(value, crc);
  meta.writeUInt32BE(crc, 4);
}

export interface DecodedRecord {
  offset: bigint;
  timestamp: number;
  key: Uint8Array | undefined;
  headers: Record<string, string>;
  /** A view into the buffer decoded from (no copy). */
  value: Uint8Array;
  /** Bytes the whole frame takes. */
  size: number;
}

export type DecodeResult =
  | { status: 'ok'; record: DecodedRecord }
  /** The frame runs past the end of `buf`: `size` bytes are needed from `pos`. */
  | { status: 'incomplete'; size: number }
  | { status: 'corrupt'; reason: string };

/** Where a frame keeps its offset, from the frame's start (used to resynchronise after damage). */
export const OFFSET_POSITION = FRAME_PREFIX_BYTES + 2;

/** Decodes the frame at `pos`, verifying its checksum. `maxBodyBytes` bounds a believable length. */
export function decodeRecord(buf: Buffer, pos: number, end: number, maxBodyBytes: number): DecodeResult {
  if (end - pos < FRAME_PREFIX_BYTES) return { status: 'incomplete', size: FRAME_PREFIX_BYTES };
  const bodyLength = buf.readUInt32BE(pos);
  if (bodyLength < MIN_BODY_BYTES || bodyLength > maxBodyBytes) {
    return { status: 'corrupt', reason: `implausible record length ${bodyLength}` };
  }
  const size = FRAME_PREFIX_BYTES + bodyLength;
  if (end - pos < size) return { status: 'incomplete', size };
  const bodyStart = pos + FRAME_PREFIX_BYTES;
  const bodyEnd = pos + size;
  if (crc32(buf.subarray(bodyStart, bodyEnd)) !== buf.readUInt32BE(pos + 4)) {
    return { status: 'corrupt', reason: 'checksum mismatch' };
  }
  if (buf[bodyStart] !== MAGIC) return { status: 'corrupt', reason: `unknown record version ${buf[bodyStart]}` };
  const hasKey = (buf[bodyStart + 1] & FLAG_KEY) !== 0;
  const offset = buf.readBigUInt64BE(bodyStart + 2);
  const timestamp = buf.readDoubleBE(bodyStart + 10);
  const keyLength = buf.readUInt32BE(bodyStart + 18);
  const headerCount = buf.readUInt16BE(bodyStart + 22);
  let p = bodyStart + FIXED_BODY_BYTES;
  // The checksum passed, so lengths are as written; bounds checks only guard against our own bugs.
  if (p + keyLength > bodyEnd) return { status: 'corrupt', reason: 'key overruns the record' };
  const key = hasKey ? buf.subarray(p, p + keyLength) : undefined;
  p += keyLength;
  // No prototype: a header named `__proto__` stays a plain entry.
  const headers: Record<string, string> = Object.create(null);
  for (let i = 0; i < headerCount; i++) {
    const nameLength = buf.readUInt16BE(p);
    const name = buf.toString('utf8', p + 2, p + 2 + nameLength);
    p += 2 + nameLength;
    const valueLength = buf.readUInt32BE(p);
    headers[name] = buf.toString('utf8', p + 4, p + 4 + valueLength);
    p += 4 + valueLength;
    if (p > bodyEnd) return { status: 'corrupt', reason: 'headers overrun the record' };
  }
  const valueLength = buf.readUInt32BE(p);
  p += 4;
  if (p + valueLength !== bodyEnd)
    return { status: 'corrupt', reason: 'value length disagrees with the record length' };
  return { status: 'ok', record: { offset, timestamp, key, headers, value: buf.subarray(p, bodyEnd), size } };
}
