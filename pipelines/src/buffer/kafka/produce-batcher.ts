// Group commit for Kafka appends, the way the embedded log shares one fsync: appends that arrive
// while `maxInFlight` sends are under way wait and then go out together in one send, so under load
// one broker round trip acknowledges many requests, and with little load an append is sent on the
// next turn of the event loop (no fixed linger). An append settles with the send that carried it.

export type BatchedSend<M> = (messages: M[]) => Promise<void>;

interface Pending<M> {
  readonly messages: M[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class ProduceBatcher<M> {
  readonly #send: BatchedSend<M>;
  readonly #maxInFlight: number;
  readonly #maxBatchBytes: number;
  #queue: Pending<M>[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(send: BatchedSend<M>, maxInFlight: number, maxBatchBytes: number) {
    this.#send = send;
    this.#maxInFlight = maxInFlight;
    this.#maxBatchBytes = maxBatchBytes;
  }

  add(messages: M[], bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ messages, bytes, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // Appends decoded in the same turn (one socket read can carry several requests) share a send.
        setImmediate(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const group = this.#takeGroup();
      const messages = group.length === 1 ? group[0].messages : group.flatMap((pending) => pending.messages);
      this.#inFlight++;
      this.#send(messages)
        .then(
          () => {
            for (const pending of group) pending.resolve();
          },
          (error: unknown) => {
            // Every append of the group is refused; its client retries (a duplicate if part of
            // the group was stored after all, never a loss).
            for (const pending of group) pending.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }

  #takeGroup(): Pending<M>[] {
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length) {
      const next = this.#queue[count].bytes;
      if (count > 0 && bytes + next > this.#maxBatchBytes) break;
      bytes += next;
      count++;
    }
    return this.#queue.splice(0, count);
  }
}
