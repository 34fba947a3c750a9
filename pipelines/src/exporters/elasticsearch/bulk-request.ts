// Builds `_bulk` bodies: one `create` action per document with a deterministic `_id`, so a
// replay answers 409 instead of writing a duplicate. The body is written as UTF-8 bytes as the
// documents are serialized, so a bulk in flight holds one buffer (sent as is, and the source of
// its retries), not each document's string plus the joined string plus the client's copy.

export interface BulkOperation {
  index: string;
  id: string;
  /** The serialized document. */
  json: string;
  /** Index of the export item the document came from. */
  owner: number;
}

export class BulkBody {
  private buffer: Buffer;
  private length = 0;
  /** Operation i is bytes [starts[i], starts[i + 1]) (the last one ends at `length`). */
  private readonly starts: number[] = [];
  /** The export item each operation came from. */
  readonly owners: number[] = [];

  constructor(buffer: Buffer = Buffer.allocUnsafe(64 * 1024)) {
    this.buffer = buffer;
  }

  /** The buffer written (grown from the one given when it was too small), for reuse once the bulk is done. */
  get storage(): Buffer {
    return this.buffer;
  }

  get count(): number {
    return this.owners.length;
  }

  get bytes(): number {
    return this.length;
  }

  add(op: BulkOperation): void {
    this.starts.push(this.length);
    this.owners.push(op.owner);
    this.write(`{"create":{"_index":${JSON.stringify(op.index)},"_id":${JSON.stringify(op.id)}}}\n`);
    this.write(op.json);
    this.write('\n');
  }

  /** The whole body (a view, not a copy). */
  all(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** The body of the given operations only (a retry of some items). */
  only(operations: readonly number[]): Buffer {
    return Buffer.concat(
      operations.map((i) => this.buffer.subarray(this.starts[i], this.starts[i + 1] ?? this.length)),
    );
  }

  private write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const room = this.length + text.length * 3;
    if (room > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(room, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
  }
}

/**
 * Buffers of finished bulks, reused for the next ones. A bulk body lives as long as Elasticsearch
 * takes to answer, so it is promoted to V8's old space and, without reuse, each new body piles up
 * there as garbage until a full GC (tens of MiB of RSS behind a slow cluster).
 */
export class BodyBuffers {
  private readonly free: Buffer[] = [];
  private readonly keep: number;

  constructor(keep: number) {
    this.keep = keep;
  }

  take(bytes: number): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(bytes);
  }

  /** Only once nothing reads it any more: after Elasticsearch answered the bulk. */
  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}
