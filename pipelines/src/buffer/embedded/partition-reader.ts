// Reading a partition: a cursor (segment, byte position, offset) moved forward over whole,
// checksummed records; damaged committed data is skipped past, reported, never served.
import type { DecodedRecord } from './record-format.ts';
import { findNextRecord } from './resync.ts';
import { readFrames, type Segment } from './segment.ts';

/** Where a reader is: the next record is `offset`, at byte `position` of `segment`. */
export interface ReadCursor {
  segment: Segment;
  position: number;
  offset: bigint;
}

export interface PartitionRead {
  records: DecodedRecord[];
  next: ReadCursor;
}

/** What a reader needs from the partition. */
export interface ReadablePartition {
  readonly segments: readonly Segment[];
  readonly startOffset: bigint;
  readonly endOffset: bigint;
  readonly maxBodyBytes: number;
  reportDamage(at: ReadCursor, resumeOffset: bigint, reason: string): void;
}

export async function seekPartition(partition: ReadablePartition, offset: bigint): Promise<ReadCursor> {
  const { segments } = partition;
  const active = segments[segments.length - 1];
  if (offset <= partition.startOffset) return { segment: segments[0], position: 0, offset: partition.startOffset };
  if (offset >= partition.endOffset) return { segment: active, position: active.size, offset: partition.endOffset };
  let index = segments.length - 1;
  while (segments[index].baseOffset > offset) index--;
  let cursor: ReadCursor = { segment: segments[index], position: 0, offset: segments[index].baseOffset };
  // No index: walk the frames from the segment's start (once per consumer start).
  while (cursor.offset < offset) {
    const left = offset - cursor.offset;
    const { records, next } = await readPartition(partition, cursor, left > 100_000n ? 100_000 : Number(left), 1 << 20);
    if (records.length === 0 && next.offset === cursor.offset) break;
    cursor = next;
  }
  return cursor;
}

export async function readPartition(
  partition: ReadablePartition,
  cursor: ReadCursor,
  maxRecords: number,
  maxBytes: number,
): Promise<PartitionRead> {
  const { segments } = partition;
  let at = cursor;
  if (at.segment.deleted) at = await seekPartition(partition, at.offset);
  for (;;) {
    const { segment } = at;
    const following = segments[segments.indexOf(segment) + 1];
    if (at.position >= segment.size) {
      if (!following) return { records: [], next: at };
      if (at.offset < following.baseOffset) partition.reportDamage(at, following.baseOffset, 'segment ends early');
      at = { segment: following, position: 0, offset: following.baseOffset };
      continue;
    }
    const read = await readFrames(
      segment,
      at.position,
      segment.size,
      at.offset,
      maxRecords,
      maxBytes,
      partition.maxBodyBytes,
    );
    const next = { segment, position: read.nextPosition, offset: at.offset + BigInt(read.records.length) };
    if (read.records.length > 0 || !read.corrupt) return { records: read.records, next };
    // Damage in committed data (bit rot, a file changed behind our back): that data is lost.
    // Serving resumes at the next whole record of this segment if one can be found, else at the
    // next segment (or the current end of the active one). Stopping here would stall the partition.
    const limit = following ? following.baseOffset : segment.nextOffset;
    const found = await findNextRecord(
      segment,
      next.position,
      segment.size,
      next.offset + 1n,
      limit,
      partition.maxBodyBytes,
    );
    const resume = found
      ? { segment, position: found.position, offset: found.offset }
      : following
        ? { segment: following, position: 0, offset: following.baseOffset }
        : { segment, position: segment.size, offset: segment.nextOffset };
    partition.reportDamage(next, resume.offset, read.corrupt);
    at = resume;
  }
}
