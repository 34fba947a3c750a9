// Gathers syslog records into OTLP requests and appends them, a few at once, retrying what the
// buffer refuses for now. Each record is encoded as it arrives (receivers/logs/log-records-writer.ts),
// so what waits is bytes. Everything received and not yet durable counts as pending; past
// `maxPendingBytes` or `maxPendingRecords` push() says no, and the transports drop (UDP) or stop
// reading (TCP).
import { asOtelgateError, mappingFor } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { LogRecord } from '@otelgate/pipelines/model/logs.ts';
import type { Logger } from 'pino';
import { LogRecordsWriter } from '../logs/log-records-writer.ts';
import type { SubmitLogs } from '../logs/submit-logs.ts';
import type { SyslogConfig } from './config.ts';
import type { SyslogMetrics } from './metrics.ts';

const SCOPE_NAME = 'otelgate/syslog';
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
/** The first batch's room for records before its buffer grows (doubling); later ones start with the last one's size. */
const INITIAL_BATCH_BYTES = 16 * 1024;

interface Batch {
  records: LogRecordsWriter;
  /** Records per transport (udp, tcp): the metrics are counted per batch, not per message. */
  transports: Map<string, number>;
  /** The one peer every record came from, or undefined when several (or none) did. */
  peer: string | undefined;
  mixed: boolean;
}

export class RecordBatcher {
  readonly #config: SyslogConfig;
  readonly #submit: SubmitLogs;
  readonly #metrics: SyslogMetrics;
  readonly #logger: Logger;
  #batch: Batch = newBatch(INITIAL_BATCH_BYTES);
  readonly #queue: Batch[] = [];
  #inFlight = 0;
  #pending = 0;
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #drainWaiters = new Set<() => void>();
  readonly #idleWaiters = new Set<() => void>();
  #closing = false;

  constructor(config: SyslogConfig, submit: SubmitLogs, metrics: SyslogMetrics, logger: Logger) {
    this.#config = config;
    this.#submit = submit;
    this.#metrics = metrics;
    this.#logger = logger;
  }

  get pending(): number {
    return this.#pending;
  }

  /** Encoded bytes received and not yet durable. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  get full(): boolean {
    return this.#pending >= this.#config.maxPendingRecords || this.#pendingBytes >= this.#config.maxPendingBytes;
  }

  /** Encodes and queues one record; false (and nothing queued) when the pending limits are reached. */
  push(record: LogRecord, peer: string, transport: string): boolean {
    if (this.full) return false;
    const batch = this.#batch;
    const before = batch.records.bytes;
    batch.records.add(record);
    batch.transports.set(transport, (batch.transports.get(transport) ?? 0) + 1);
    if (batch.records.count === 1) batch.peer = peer;
    else if (batch.peer !== peer) batch.mixed = true;
    this.#pending++;
    this.#pendingBytes += batch.records.bytes - before;
    if (batch.records.count >= this.#config.maxBatchRecords || batch.records.bytes >= this.#config.maxBatchBytes) {
      this.#seal();
    } else this.#timer ??= setTimeout(() => this.#seal(), this.#config.flushIntervalMs);
    return true;
  }

  /** Calls `resume` once pending records and bytes fall to half of their limits. */
  onDrain(resume: () => void): void {
    this.#drainWaiters.add(resume);
  }

  /** Appends what is queued; resolves when nothing is pending, or after `timeoutMs`. */
  async close(timeoutMs: number): Promise<void> {
    this.#seal();
    if (this.#pending > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#idleWaiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.#closing = true;
  }

  #seal(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#batch.records.count === 0) return;
    for (const [transport, count] of this.#batch.transports) this.#metrics.received.add(count, { transport });
    this.#queue.push(this.#batch);
    // Room for as much as the batch just sealed: growing by doubling allocates each batch's bytes
    // about twice more, garbage the collector only returns after a while.
    const hint = Math.ceil(this.#batch.records.bytes * 1.25);
    this.#batch = newBatch(Math.max(1024, Math.min(this.#config.maxBatchBytes, hint)));
    this.#pump();
  }

  #pump(): void {
    while (this.#inFlight < this.#config.maxConcurrentAppends && this.#queue.length > 0) {
      const batch = this.#queue.shift()!;
      this.#inFlight++;
      this.#append(batch).finally(() => {
        this.#inFlight--;
        this.#pending -= batch.records.count;
        this.#pendingBytes -= batch.records.bytes;
        this.#settled();
        this.#pump();
      });
    }
  }

  async #append(batch: Batch): Promise<void> {
    const body = batch.records.finish();
    const peerAddress = batch.mixed ? undefined : batch.peer;
    let delay = RETRY_MIN_MS;
    for (;;) {
      try {
        await this.#submit(body, { transport: 'syslog', tenant: this.#config.tenant, peerAddress });
        return;
      } catch (error) {
        const failure = asOtelgateError(error);
        if (!mappingFor(failure.kind).retryable || this.#closing) {
          for (const [transport, count] of batch.transports) {
            this.#metrics.dropped.add(count, { transport, reason: 'refused' });
          }
          this.#logger.error({ err: failure, records: batch.records.count }, 'buffer refused syslog records');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  #settled(): void {
    const drained =
      this.#pending <= this.#config.maxPendingRecords / 2 && this.#pendingBytes <= this.#config.maxPendingBytes / 2;
    if (drained && this.#drainWaiters.size > 0) {
      const waiters = [...this.#drainWaiters];
      this.#drainWaiters.clear();
      for (const resume of waiters) resume();
    }
    if (this.#pending === 0) {
      for (const done of this.#idleWaiters) done();
      this.#idleWaiters.clear();
    }
  }
}

function newBatch(initialBytes: number): Batch {
  return {
    records: new LogRecordsWriter([], SCOPE_NAME, false, initialBytes),
    transports: new Map(),
    peer: undefined,
    mixed: false,
  };
}
