// A fixed number of chunks may be decoded and in delivery at once across all partitions: with the
// per-chunk item and byte limits, that bounds what the worker holds (process.maxItemsInFlight,
// process.maxBytesInFlight). Each chunk takes one slot before it decodes anything and returns it
// once delivered; nothing waits for a second slot while holding one, so nothing deadlocks.
export class ChunkSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.free = slots;
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
