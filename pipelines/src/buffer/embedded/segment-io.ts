// The three file operations the commit path depends on, behind one seam so tests can inject
// faults (EIO, ENOSPC, short writes) exactly where a real disk would produce them.
import type { FileHandle } from 'node:fs/promises';

export interface SegmentIo {
  /** Writes every buffer at `position`; resolves with the bytes written (short on a full disk). */
  writev(handle: FileHandle, buffers: readonly Uint8Array[], position: number): Promise<number>;
  datasync(handle: FileHandle): Promise<void>;
  truncate(handle: FileHandle, length: number): Promise<void>;
}

export const nodeSegmentIo: SegmentIo = {
  async writev(handle, buffers, position) {
    const { bytesWritten } = await handle.writev(buffers as Uint8Array[], position);
    return bytesWritten;
  },
  datasync: (handle) => handle.datasync(),
  truncate: (handle, length) => handle.truncate(length),
};
