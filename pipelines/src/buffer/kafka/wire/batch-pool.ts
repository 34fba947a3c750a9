// A few record-batch buffers kept for reuse: a ~1 MiB batch allocated per append made the garbage
// collector a third of the filelog → Kafka CPU (full collections; BENCHMARKS.md "Kafka producer
// batch buffers"). A buffer goes back only once nothing can still read it: the producer releases a
// batch after the broker answered the request carrying it, or after that request's connection was
// destroyed (its queued writes dropped), never while a retry may resend it.
const MIN_SIZE = 64 * 1024;
/** Larger batches are not kept: a rare huge append must not pin its memory. */
const MAX_SIZE = 8 * 1024 * 1024;

export class BatchPool {
  readonly #free: Buffer[] = [];
  readonly #capacity: number;
  /** Backing stores handed out by `acquire` and not yet released. */
  readonly #lent = new WeakSet<ArrayBufferLike>();

  constructor(capacity = 4) {
    this.#capacity = capacity;
  }

  /** Free buffers held. */
  get size(): number {
    return this.#free.length;
  }

  /** A buffer of at least `size` bytes (a free one when it fits, else a new one), whole and unshared. */
  acquire(size: number): Buffer {
    for (let i = 0; i < this.#free.length; i++) {
      const buf = this.#free[i];
      if (buf.length < size) continue;
      this.#free.splice(i, 1);
      this.#lent.add(buf.buffer);
      return buf;
    }
    // Room to spare so a slightly larger next batch still fits. allocUnsafeSlow: an ArrayBuffer of
    // its own, never a slice of Node's shared small-buffer slab.
    const buf = Buffer.allocUnsafeSlow(Math.ceil(Math.max(size * 1.25, MIN_SIZE) / MIN_SIZE) * MIN_SIZE);
    this.#lent.add(buf.buffer);
    return buf;
  }

  /**
   * Takes back the buffer `view` lies in, if this pool lent it and it was not released since;
   * anything else (a batch whose writer outgrew the pooled buffer, a compressor's output) is ignored.
   */
  release(view: Uint8Array): void {
    const store = view.buffer;
    if (!this.#lent.has(store)) return;
    this.#lent.delete(store);
    if (store.byteLength > MAX_SIZE) return;
    const buf = Buffer.from(store, 0, store.byteLength);
    if (this.#free.length < this.#capacity) {
      this.#free.push(buf);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.#free.length; i++) if (this.#free[i].length < this.#free[smallest].length) smallest = i;
    if (this.#free[smallest].length < buf.length) this.#free[smallest] = buf;
  }
}
