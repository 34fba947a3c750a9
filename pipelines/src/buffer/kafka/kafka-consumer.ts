// The process side of the Kafka buffer: one member of a consumer group (cooperative-sticky).
// Records are queued per partition and handed over one batch per partition at a time, in order.
// A partition's offset is committed only after the handler resolved for its batch (straight
// through the consumer client: a message's own commit() waits on the stream it came from, and
// never settles once that stream was replaced after a broker outage); a rejected
// batch stays queued and is handed over again after a backoff (the partition is paused, the
// others keep moving). A partition revoked by a rebalance is dropped: its in-flight batch is not
// committed, and its new owner starts from the last commit (duplicates, never loss).
import { Consumer, type Message, type MessagesStream, stringDeserializer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { backoffDelay } from '../../delivery/backoff.ts';
import { SIGNALS, type Signal } from '../../model/common.ts';
import type { BatchHandler, BufferConsumer, BufferRecord, ConsumedBatch, PartitionLag } from '../buffer.ts';
import { clientOptions } from './client-options.ts';
import type { KafkaBufferConfig } from './config.ts';
import { withDeadline } from './deadline.ts';
import { partitionLags } from './lag.ts';
import { Watchdog } from './watchdog.ts';

type KafkaMessage = Message<Buffer, Buffer, string, string>;

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly signal: Signal;
  queue: KafkaMessage[];
  bytes: number;
  /** Records below this offset were queued already (a new stream refetches from the last commit). */
  nextOffset: bigint;
  inFlight: boolean;
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
  /** The offset whose commit failed; retried while the partition is idle, or superseded by the next batch's. */
  uncommitted: { offset: bigint; leaderEpoch: number } | undefined;
  commitRetryTimer: NodeJS.Timeout | undefined;
  /** A hand-over is scheduled for the next turn of the event loop. */
  scheduled: boolean;
  revoked: boolean;
}

export interface KafkaConsumerOptions {
  /** The signals to consume (default: all). */
  signals?: readonly Signal[];
  /** Overrides `consumer.groupId`. */
  groupId?: string;
}

export interface KafkaConsumerStats {
  recordsConsumed: number;
  batchesCommitted: number;
  batchesRetried: number;
  rebalances: number;
  /** Times the watchdog found no progress while records waited and restarted the client. */
  watchdogRestarts: number;
}

const REOPEN_DELAY_MS = 1_000;
const COMMIT_RETRY_MS = 1_000;

export class KafkaConsumer implements BufferConsumer {
  readonly #config: KafkaBufferConfig;
  readonly #logger: Logger;
  readonly #topics: string[];
  readonly #signalOf: Map<string, Signal>;
  readonly #groupId: string;
  #consumer: Consumer<Buffer, Buffer, string, string>;
  #watchdog: Watchdog | undefined;
  readonly #states = new Map<string, PartitionState>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stats: KafkaConsumerStats = {
    recordsConsumed: 0,
    batchesCommitted: 0,
    batchesRetried: 0,
    rebalances: 0,
    watchdogRestarts: 0,
  };
  #handler: BatchHandler | undefined;
  #stream: MessagesStream<Buffer, Buffer, string, string> | undefined;
  #bufferedBytes = 0;
  #pausedForMemory = false;
  #stopping = false;
  #closed = false;
  #reopenTimer: NodeJS.Timeout | undefined;

  constructor(config: KafkaBufferConfig, logger: Logger, options: KafkaConsumerOptions = {}) {
    this.#config = config;
    this.#logger = logger.child({ component: 'kafka-consumer' });
    const signals = options.signals ?? SIGNALS;
    this.#topics = signals.map((signal) => config.topics[signal]);
    this.#signalOf = new Map(signals.map((signal) => [config.topics[signal], signal]));
    this.#groupId = options.groupId ?? config.consumer.groupId;
    this.#consumer = this.#createClient();
  }

  #createClient(): Consumer<Buffer, Buffer, string, string> {
    const config = this.#config;
    const consumer = new Consumer<Buffer, Buffer, string, string>({
      ...clientOptions(config, 'consumer'),
      groupId: this.#groupId,
      groupInstanceId: config.consumer.instanceId,
      sessionTimeout: config.consumer.sessionTimeoutMs,
      heartbeatInterval: config.consumer.heartbeatIntervalMs,
      rebalanceTimeout: config.consumer.rebalanceTimeoutMs,
      protocols: [{ name: 'cooperative-sticky', version: 1 }],
      deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
    });
    const onAssignmentChange = () => this.#dropRevoked();
    consumer.on('consumer:group:join', onAssignmentChange);
    consumer.on('consumer:group:rebalance', () => {
      this.#stats.rebalances++;
      onAssignmentChange();
    });
    return consumer;
  }

  get stats(): Readonly<KafkaConsumerStats> {
    return this.#stats;
  }

  async run(handler: BatchHandler, abort: AbortSignal): Promise<void> {
    if (this.#handler) throw new Error('KafkaConsumer.run is already running');
    this.#handler = handler;
    this.#stopping = false;
    if (!abort.aborted) {
      this.#watchdog = new Watchdog(this.#config.consumer.watchdogIntervalMs, () => this.#checkProgress());
      await new Promise<void>((resolve) => {
        abort.addEventListener('abort', () => resolve(), { once: true });
        void this.#openStream();
      });
    }
    this.#stopping = true;
    this.#watchdog?.stop();
    clearTimeout(this.#reopenTimer);
    this.#stream?.pause();
    for (const state of this.#states.values()) {
      clearTimeout(state.retryTimer);
      clearTimeout(state.commitRetryTimer);
    }
    await Promise.allSettled([...this.#inFlight]);
    await this.#closeStream();
    this.#handler = undefined;
  }

  async #openStream(): Promise<void> {
    if (this.#stopping) return;
    try {
      const consuming = this.#consumer.consume({
        topics: this.#topics,
        mode: 'committed',
        fallbackMode: this.#config.consumer.startFrom,
        autocommit: false,
        maxBytes: this.#config.consumer.maxBatchBytes * 2,
        sessionTimeout: this.#config.consumer.sessionTimeoutMs,
        heartbeatInterval: this.#config.consumer.heartbeatIntervalMs,
        rebalanceTimeout: this.#config.consumer.rebalanceTimeoutMs,
        protocols: [{ name: 'cooperative-sticky', version: 1 }],
      });
      const { rebalanceTimeoutMs, sessionTimeoutMs } = this.#config.consumer;
      const stream = await withDeadline(consuming, rebalanceTimeoutMs + sessionTimeoutMs, 'joining the group').catch(
        (error) => {
          // A join that completes after the deadline must not leave an untracked stream behind.
          consuming.then(
            (late) => late.close().catch(() => {}),
            () => {},
          );
          throw error;
        },
      );
      if (this.#stopping) {
        await stream.close();
        return;
      }
      this.#stream = stream;
      this.#logger.info({ assignments: this.#consumer.assignments }, 'consuming');
      stream.on('data', (message) => this.#onMessage(message));
      const reopen = () => {
        if (this.#stream !== stream) return;
        this.#stream = undefined;
        if (!stream.closed) void stream.close().catch(() => {});
        this.#scheduleReopen();
      };
      stream.on('error', (error) => {
        this.#logger.warn({ err: error }, 'Kafka consumer stream failed; reopening');
        reopen();
      });
      stream.on('close', reopen);
    } catch (error) {
      this.#logger.warn({ err: error }, 'cannot join the Kafka consumer group; retrying');
      this.#scheduleReopen();
    }
  }

  #scheduleReopen(): void {
    if (this.#stopping || this.#reopenTimer) return;
    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = undefined;
      void this.#openStream();
    }, REOPEN_DELAY_MS);
  }

  async #closeStream(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream && !stream.closed) await stream.close().catch(() => {});
  }

  #isAssigned(topic: string, partition: number): boolean {
    const assignments = this.#consumer.assignments;
    if (!assignments) return true;
    return assignments.some((a) => a.topic === topic && a.partitions.includes(partition));
  }

  #onMessage(message: KafkaMessage): void {
    const signal = this.#signalOf.get(message.topic);
    if (!signal || !this.#isAssigned(message.topic, message.partition)) return;
    const id = `${message.topic}:${message.partition}`;
    let state = this.#states.get(id);
    if (!state) {
      state = {
        topic: message.topic,
        partition: message.partition,
        signal,
        queue: [],
        bytes: 0,
        nextOffset: message.offset,
        inFlight: false,
        failures: 0,
        retryTimer: undefined,
        uncommitted: undefined,
        commitRetryTimer: undefined,
        scheduled: false,
        revoked: false,
      };
      this.#states.set(id, state);
    }
    if (message.offset < state.nextOffset) return;
    state.nextOffset = message.offset + 1n;
    const size = sizeOf(message);
    state.queue.push(message);
    state.bytes += size;
    this.#bufferedBytes += size;
    this.#stats.recordsConsumed++;
    if (this.#bufferedBytes > this.#config.consumer.maxBufferedBytes && !this.#pausedForMemory) {
      this.#pausedForMemory = true;
      this.#stream?.pause();
    }
    // Let the rest of the fetch arrive first, so one batch holds what one fetch returned.
    if (!state.scheduled) {
      state.scheduled = true;
      setImmediate(() => {
        state.scheduled = false;
        this.#drive(state);
      });
    }
  }

  #drive(state: PartitionState): void {
    if (state.inFlight || state.revoked || this.#stopping || state.retryTimer || state.queue.length === 0) return;
    const { maxBatchRecords, maxBatchBytes } = this.#config.consumer;
    let count = 0;
    let bytes = 0;
    while (count < state.queue.length && count < maxBatchRecords) {
      const size = sizeOf(state.queue[count]);
      if (count > 0 && bytes + size > maxBatchBytes) break;
      bytes += size;
      count++;
    }
    state.inFlight = true;
    const delivery = this.#deliver(state, state.queue.slice(0, count), bytes).finally(() => {
      state.inFlight = false;
      this.#inFlight.delete(delivery);
      this.#drive(state);
    });
    this.#inFlight.add(delivery);
  }

  async #deliver(state: PartitionState, messages: KafkaMessage[], bytes: number): Promise<void> {
    const batch: ConsumedBatch = {
      signal: state.signal,
      partition: state.partition,
      records: messages.map((m) => toRecord(state.signal, m)),
    };
    try {
      await this.#handler!(batch);
    } catch (error) {
      state.failures++;
      this.#stats.batchesRetried++;
      const { retryInitialMs, retryMaxMs } = this.#config.consumer;
      // Jitter so workers do not retry in step.
      const delay = backoffDelay(state.failures - 1, { initialMs: retryInitialMs, maxMs: retryMaxMs, jitter: 0.2 });
      this.#logger.warn(
        {
          err: error,
          topic: state.topic,
          partition: state.partition,
          offset: messages[0].offset.toString(),
          retryInMs: delay,
        },
        'batch not settled; partition paused until the retry',
      );
      if (!this.#stopping && !state.revoked) {
        state.retryTimer = setTimeout(() => {
          state.retryTimer = undefined;
          this.#drive(state);
        }, delay);
      }
      return;
    }
    state.failures = 0;
    if (state.revoked) return;
    state.queue.splice(0, messages.length);
    state.bytes -= bytes;
    this.#release(bytes);
    if (!this.#isAssigned(state.topic, state.partition)) {
      this.#revoke(state);
      return;
    }
    const last = messages[messages.length - 1];
    await this.#commit(state, last.offset + 1n, last.leaderEpoch);
  }

  /**
   * Commits `offset` (the next one to read) for the partition. A failed commit is not fatal: the
   * records are delivered, the next batch's commit covers them, and while the partition is idle
   * the commit is retried; if this worker dies first they come again (duplicates, never loss).
   */
  async #commit(state: PartitionState, offset: bigint, leaderEpoch: number): Promise<void> {
    clearTimeout(state.commitRetryTimer);
    state.commitRetryTimer = undefined;
    const commit = this.#consumer.commit({
      offsets: [{ topic: state.topic, partition: state.partition, offset, leaderEpoch }],
    });
    try {
      await withDeadline(commit, this.#config.requestTimeoutMs * 2, 'offset commit');
      this.#stats.batchesCommitted++;
      if (state.uncommitted && state.uncommitted.offset <= offset) state.uncommitted = undefined;
    } catch (error) {
      commit.catch(() => {});
      this.#logger.warn(
        { err: error, topic: state.topic, partition: state.partition, offset: offset.toString() },
        'offset commit failed; retrying while the partition is idle',
      );
      state.uncommitted = { offset, leaderEpoch };
      if (!this.#stopping && !state.revoked) {
        state.commitRetryTimer = setTimeout(() => this.#retryCommit(state), COMMIT_RETRY_MS);
      }
    }
  }

  /** Runs as the partition's in-flight work, so it never races a batch's own commit. */
  #retryCommit(state: PartitionState): void {
    state.commitRetryTimer = undefined;
    const pending = state.uncommitted;
    if (!pending || state.revoked || this.#stopping) return;
    if (state.inFlight) return; // the batch in flight commits a later offset, or retries this one
    state.inFlight = true;
    const retry = this.#commit(state, pending.offset, pending.leaderEpoch).finally(() => {
      state.inFlight = false;
      this.#inFlight.delete(retry);
      this.#drive(state);
    });
    this.#inFlight.add(retry);
  }

  #release(bytes: number): void {
    this.#bufferedBytes -= bytes;
    if (this.#pausedForMemory && this.#bufferedBytes <= this.#config.consumer.maxBufferedBytes / 2) {
      this.#pausedForMemory = false;
      this.#stream?.resume();
    }
  }

  #revoke(state: PartitionState): void {
    state.revoked = true;
    clearTimeout(state.retryTimer);
    state.retryTimer = undefined;
    clearTimeout(state.commitRetryTimer);
    state.commitRetryTimer = undefined;
    this.#release(state.bytes);
    state.bytes = 0;
    state.queue = [];
    const id = `${state.topic}:${state.partition}`;
    if (this.#states.get(id) === state) this.#states.delete(id);
  }

  #dropRevoked(): void {
    for (const state of [...this.#states.values()]) {
      if (!this.#isAssigned(state.topic, state.partition)) {
        this.#logger.info({ topic: state.topic, partition: state.partition }, 'partition revoked');
        this.#revoke(state);
      }
    }
  }

  #progressMark = -1;

  /**
   * Called every `watchdogIntervalMs`: when nothing was consumed or committed since the last
   * check although records wait in partitions this worker owns (or it has no membership at all
   * while the group has lag), the client is in a state it does not leave by itself (seen after
   * a broker restart): it is replaced by a new one. Batches being retried do not count as stuck.
   */
  async #checkProgress(): Promise<void> {
    const mark = this.#stats.recordsConsumed + this.#stats.batchesCommitted;
    const moved = mark !== this.#progressMark;
    this.#progressMark = mark;
    if (moved || this.#stopping || this.#inFlight.size > 0) return;
    for (const state of this.#states.values()) if (state.retryTimer) return;
    let waiting: bigint;
    try {
      const lags = await withDeadline(
        partitionLags(this.#consumer, this.#topics, this.#signalOf),
        this.#config.requestTimeoutMs * 2,
        'reading consumer lag',
      );
      const owned = this.#consumer.assignments;
      waiting = 0n;
      for (const lag of lags) {
        const topic = this.#config.topics[lag.signal];
        if (!owned || owned.some((a) => a.topic === topic && a.partitions.includes(lag.partition))) waiting += lag.lag;
      }
    } catch {
      return; // the broker is unreachable: nothing to recover from here
    }
    if (waiting === 0n || this.#stopping) return;
    this.#stats.watchdogRestarts++;
    this.#logger.warn(
      { waiting: waiting.toString(), assigned: this.#consumer.assignments, stream: this.#stream !== undefined },
      'watchdog: no progress while records wait; restarting the Kafka consumer client',
    );
    await this.#restartClient();
  }

  async #restartClient(): Promise<void> {
    const old = this.#consumer;
    const stream = this.#stream;
    this.#stream = undefined;
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = undefined;
    for (const state of [...this.#states.values()]) this.#revoke(state);
    this.#consumer = this.#createClient();
    const closeTimeoutMs = this.#config.requestTimeoutMs * 2;
    await withDeadline(Promise.resolve(stream?.close()), closeTimeoutMs, 'closing the stream').catch(() => {});
    await withDeadline(old.close(true), closeTimeoutMs, 'closing the client').catch(() => {});
    void this.#openStream();
  }

  lag(): Promise<PartitionLag[]> {
    return partitionLags(this.#consumer, this.#topics, this.#signalOf);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopping = true;
    this.#watchdog?.stop();
    clearTimeout(this.#reopenTimer);
    await this.#closeStream();
    await this.#consumer.close(true);
  }
}

function sizeOf(message: KafkaMessage): number {
  return (message.value?.length ?? 0) + (message.key?.length ?? 0);
}

function toRecord(signal: Signal, message: KafkaMessage): BufferRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of message.headers) headers[name] = value;
  return {
    signal,
    partition: message.partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key && message.key.length > 0 ? message.key : undefined,
    value: message.value ?? Buffer.alloc(0),
    headers,
  };
}
