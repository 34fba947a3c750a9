// After a damaged record in committed data: find the next whole record in the same segment, so
// that only the damaged bytes are lost, not the rest of the segment. A candidate must have a
// believable length, the record version byte, an offset in the expected range and a matching
// checksum; a false match would need all four, which random bytes practically never give.
import { decodeRecord, FRAME_PREFIX_BYTES, MAGIC, MIN_BODY_BYTES, OFFSET_POSITION } from './record-format.ts';
import type { Segment } from './segment.ts';

const WINDOW_BYTES = 1 << 20;

export interface ResyncPoint {
  position: number;
  offset: bigint;
}

/** The first whole record at or after `from` with an offset in [minOffset, maxOffset). */
export async function findNextRecord(
  segment: Segment,
  from: number,
  end: number,
  minOffset: bigint,
  maxOffset: bigint,
  maxBodyBytes: number,
): Promise<ResyncPoint | undefined> {
  for (let start = from; start + FRAME_PREFIX_BYTES + MIN_BODY_BYTES <= end; start += WINDOW_BYTES) {
    const window = await segment.readAt(start, Math.min(end - start, WINDOW_BYTES + 64));
    const last = Math.min(window.length - (OFFSET_POSITION + 8), WINDOW_BYTES - 1);
    for (let i = 0; i <= last; i++) {
      if (window[i + FRAME_PREFIX_BYTES] !== MAGIC) continue;
      const bodyLength = window.readUInt32BE(i);
      if (bodyLength < MIN_BODY_BYTES || bodyLength > maxBodyBytes) continue;
      const size = FRAME_PREFIX_BYTES + bodyLength;
      if (start + i + size > end) continue;
      const offset = window.readBigUInt64BE(i + OFFSET_POSITION);
      if (offset < minOffset || offset >= maxOffset) continue;
      const frame = i + size <= window.length ? window.subarray(i, i + size) : await segment.readAt(start + i, size);
      const decoded = decodeRecord(frame, 0, frame.length, maxBodyBytes);
      if (decoded.status === 'ok') return { position: start + i, offset };
    }
  }
  return undefined;
}
