// Notices a partition that has waiting records but makes no progress (RELIABILITY.md #11, after
// Jaeger's ingester deadlock detector). Progress is a committed offset moving or a batch of the
// partition being handed to the handler: a failing exporter whose batches keep being retried is
// backpressure, not a stall, and is left alone.
import type { PartitionLag } from '../buffer/buffer.ts';

export interface StallWatchdogOptions {
  stallTimeoutMs: number;
  lag: () => Promise<PartitionLag[]>;
  /** When the partition (`signal/partition`) was last handed a batch, or last saw one settle. */
  lastActivityAt: (partitionKey: string) => number | undefined;
  now?: () => number;
}

interface Progress {
  committedOffset: bigint;
  at: number;
}

export class StallWatchdog {
  private readonly progress = new Map<string, Progress>();
  private readonly options: StallWatchdogOptions;
  private readonly now: () => number;

  constructor(options: StallWatchdogOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** The partitions stalled as of now. A stalled partition's clock restarts, so it is reported once per timeout. */
  async check(): Promise<PartitionLag[]> {
    const now = this.now();
    const stalled: PartitionLag[] = [];
    for (const entry of await this.options.lag()) {
      const key = `${entry.signal}/${entry.partition}`;
      const previous = this.progress.get(key);
      let at = previous && previous.committedOffset === entry.committedOffset ? previous.at : now;
      at = Math.max(at, this.options.lastActivityAt(key) ?? 0);
      if (entry.lag > 0n && now - at >= this.options.stallTimeoutMs) {
        stalled.push(entry);
        at = now;
      }
      // No waiting records: nothing can be stuck; the clock starts when records arrive.
      if (entry.lag === 0n) at = now;
      this.progress.set(key, { committedOffset: entry.committedOffset, at });
    }
    return stalled;
  }
}
