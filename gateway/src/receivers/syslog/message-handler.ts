// One received message (a datagram, or a TCP frame) to a queued record, or a counted drop.
import type { Logger } from 'pino';
import type { SyslogConfig } from './config.ts';
import type { SyslogDropReason, SyslogMetrics } from './metrics.ts';
import type { RecordBatcher } from './record-batcher.ts';
import { type ParseOptions, parseSyslog } from './syslog-parser.ts';
import { toLogRecord } from './syslog-record.ts';

/** A drop is logged at most this often per reason (the counters have every one). */
const DROP_LOG_INTERVAL_MS = 10_000;

export type Transport = 'udp' | 'tcp';

export class MessageHandler {
  readonly #batcher: RecordBatcher;
  readonly #metrics: SyslogMetrics;
  readonly #logger: Logger;
  readonly #lastLogged = new Map<string, number>();
  /** The observed time of the last message, reused within the same millisecond (no BigInt per message). */
  #observed = { ms: 0, ns: 0n };
  /** One options object for every message, its `now` set per message. */
  readonly #parseOptions: ParseOptions;

  constructor(config: SyslogConfig, batcher: RecordBatcher, metrics: SyslogMetrics, logger: Logger) {
    this.#batcher = batcher;
    this.#metrics = metrics;
    this.#logger = logger;
    this.#parseOptions = { protocol: config.protocol, utc: config.timezone === 'UTC', now: 0 };
  }

  /** Parses and queues `bytes`; false when the batcher is full (the message was not queued). */
  handle(bytes: Buffer, transport: Transport, peerAddress: string, peerPort: number): boolean {
    if (this.#batcher.full) {
      if (transport === 'udp') this.drop(transport, 'buffer_full', 'pending queue full', peerAddress);
      return false;
    }
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13 || bytes[end - 1] === 0)) end--;
    const text = bytes.toString('utf8', 0, end);
    const now = Date.now();
    this.#parseOptions.now = now;
    const parsed = parseSyslog(text, this.#parseOptions);
    if (typeof parsed === 'string') {
      this.drop(transport, 'malformed', parsed, peerAddress);
      return true;
    }
    if (text.includes('\uFFFD')) this.#metrics.invalidUtf8.add(1, { transport });
    if (this.#observed.ms !== now) this.#observed = { ms: now, ns: BigInt(now) * 1_000_000n };
    const record = toLogRecord(parsed, peerAddress, peerPort, this.#observed.ns);
    this.#batcher.push(record, peerAddress, transport);
    return true;
  }

  drop(transport: Transport, reason: SyslogDropReason, detail: string, peerAddress: string): void {
    this.#metrics.dropped.add(1, { transport, reason });
    const now = Date.now();
    const key = `${transport}:${reason}`;
    if (now - (this.#lastLogged.get(key) ?? 0) < DROP_LOG_INTERVAL_MS) return;
    this.#lastLogged.set(key, now);
    this.#logger.warn(
      { transport, reason, detail, peerAddress },
      'syslog message dropped (further drops for this reason counted only, for 10 s)',
    );
  }
}
