// One segment file: records with consecutive offsets starting at the base offset in its name.
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { type DecodedRecord, decodeRecord } from './record-format.ts';

const NAME_PATTERN = /^(\d{20})\.log$/;
/** Reads are at least this large so small records cost one pread per many. */
const MIN_READ_BYTES = 64 * 1024;

export function segmentFileName(baseOffset: bigint): string {
  return `${baseOffset.toString().padStart(20, '0')}.log`;
}

export function parseSegmentFileName(name: string): bigint | undefined {
  const match = NAME_PATTERN.exec(name);
  return match ? BigInt(match[1]) : undefined;
}

export class Segment {
  readonly baseOffset: bigint;
  readonly path: string;
  readonly handle: FileHandle;
  /** Bytes that are committed (fsynced): readers never look past it, appends go right after it. */
  size: number;
  /** The offset the next record appended here gets. */
  nextOffset: bigint;
  /** Time of the newest record (the file's mtime for segments found on open); drives age retention. */
  lastAppendMs: number;
  deleted = false;

  constructor(baseOffset: bigint, path: string, handle: FileHandle, size: number, lastAppendMs: number) {
    this.baseOffset = baseOffset;
    this.path = path;
    this.handle = handle;
    this.size = size;
    this.nextOffset = baseOffset;
    this.lastAppendMs = lastAppendMs;
  }

  /** Creates an empty segment (replacing a leftover of a roll that never committed anything). */
  static async create(dir: string, baseOffset: bigint): Promise<Segment> {
    const path = join(dir, segmentFileName(baseOffset));
    const handle = await open(path, 'w+');
    return new Segment(baseOffset, path, handle, 0, Date.now());
  }

  static async open(dir: string, baseOffset: bigint): Promise<Segment> {
    const path = join(dir, segmentFileName(baseOffset));
    const handle = await open(path, 'r+');
    const stat = await handle.stat();
    return new Segment(baseOffset, path, handle, stat.size, stat.mtimeMs);
  }

  async readAt(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buf, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? buf : buf.subarray(0, filled);
  }
}

export interface FrameRead {
  records: DecodedRecord[];
  /** Byte position right after the last record returned. */
  nextPosition: number;
  /** Set when the frame at `nextPosition` is damaged (bad checksum, out of sequence, or cut off before `end`). */
  corrupt?: string;
}

/**
 * Reads whole records from `position` up to `end`, checking each checksum and that offsets run
 * on from `expectedOffset`. Returns at least one record when one is there, even past `maxBytes`.
 */
export async function readFrames(
  segment: Segment,
  position: number,
  end: number,
  expectedOffset: bigint,
  maxRecords: number,
  maxBytes: number,
  maxBodyBytes: number,
): Promise<FrameRead> {
  const records: DecodedRecord[] = [];
  let start = position;
  let bytes = 0;
  let want = Math.min(end - start, Math.max(maxBytes, MIN_READ_BYTES));
  let expected = expectedOffset;
  while (start < end && records.length < maxRecords && bytes < maxBytes) {
    const buf = await segment.readAt(start, want);
    if (buf.length === 0) return { records, nextPosition: start, corrupt: 'segment file shorter than committed' };
    let p = 0;
    let stop = false;
    while (p < buf.length && records.length < maxRecords && bytes < maxBytes) {
      const result = decodeRecord(buf, p, buf.length, maxBodyBytes);
      if (result.status === 'corrupt') return { records, nextPosition: start + p, corrupt: result.reason };
      if (result.status === 'incomplete') {
        if (buf.length < want)
          return { records, nextPosition: start + p, corrupt: 'segment file shorter than committed' };
        if (start + p + result.size > end) {
          return { records, nextPosition: start + p, corrupt: 'record cut off (torn write)' };
        }
        // Everything whole in this read is taken; the next read starts at the partial record.
        if (records.length > 0 && bytes + result.size > maxBytes) stop = true;
        want = Math.min(end - (start + p), Math.max(result.size, MIN_READ_BYTES));
        break;
      }
      const record = result.record;
      if (record.offset !== expected) {
        return {
          records,
          nextPosition: start + p,
          corrupt: `offset ${record.offset} where ${expected} was expected`,
        };
      }
      records.push(record);
      expected++;
      bytes += record.size;
      p += record.size;
    }
    start += p;
    if (stop) break;
    if (p === buf.length) want = Math.min(end - start, Math.max(maxBytes - bytes, MIN_READ_BYTES));
  }
  return { records, nextPosition: start };
}
