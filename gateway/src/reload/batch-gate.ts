// Holds new batches back while a reload swaps the pipeline graph, so that no batch runs half on
// the old components and half on the new. The consumer keeps running (no Kafka rebalance): its
// handler just waits a moment.
import type { BatchHandler, BufferConsumer } from '@otelgate/pipelines/buffer/buffer.ts';

export class BatchGate {
  private inFlight = 0;
  private closed: { opened: Promise<void>; open: () => void } | undefined;
  private idleWaiters: (() => void)[] = [];

  /** True while a reload holds new batches back. */
  get paused(): boolean {
    return this.closed !== undefined;
  }

  wrap(handler: BatchHandler): BatchHandler {
    return async (batch) => {
      while (this.closed) await this.closed.opened;
      this.inFlight++;
      try {
        await handler(batch);
      } finally {
        this.inFlight--;
        if (this.inFlight === 0) for (const notify of this.idleWaiters.splice(0)) notify();
      }
    };
  }

  /**
   * Stops handing new batches over and waits for those in hand to settle. Resolves false (and
   * opens again) when they do not settle within `timeoutMs`.
   */
  async pause(timeoutMs: number): Promise<boolean> {
    if (this.closed) throw new Error('the batch gate is already paused');
    let open!: () => void;
    this.closed = { opened: new Promise<void>((resolve) => (open = resolve)), open };
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    let notify!: () => void;
    const idle = new Promise<true>((resolve) => {
      notify = () => resolve(true);
      this.idleWaiters.push(notify);
    });
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const settled = await Promise.race([idle, expired]);
    clearTimeout(timer);
    if (!settled) {
      this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== notify);
      this.resume();
    }
    return settled;
  }

  resume(): void {
    const closed = this.closed;
    this.closed = undefined;
    closed?.open();
  }
}

/** The same consumer, with every batch passing the gate. */
export function gatedConsumer(consumer: BufferConsumer, gate: BatchGate): BufferConsumer {
  return {
    run: (handler, abort) => consumer.run(gate.wrap(handler), abort),
    lag: () => consumer.lag(),
    close: () => consumer.close(),
  };
}
