// One TCP (or TLS) connection to one broker: requests are written as they come (pipelined) and
// the broker answers them in order, so the oldest request in flight is the one an answer belongs
// to. One timer per connection watches the oldest request; a request past its deadline closes the
// connection, failing everything in flight on it (the broker may or may not have those).
import net from 'node:net';
import tls from 'node:tls';
import { KafkaConnectionError } from './error-codes.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  /** Connecting, and each request, may take this long. */
  timeoutMs: number;
  tls?: tls.ConnectionOptions;
}

interface InFlight {
  correlationId: number;
  /** Response header v1 (tagged fields after the correlation id): every flexible API but ApiVersions. */
  flexibleResponse: boolean;
  deadline: number;
  resolve: (body: Reader) => void;
  reject: (error: Error) => void;
}

export class Connection {
  readonly address: string;
  readonly #options: ConnectionOptions;
  readonly #socket: net.Socket;
  readonly #inFlight: InFlight[] = [];
  #head = 0;
  #correlation = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #timer: NodeJS.Timeout | undefined;
  #closedWith: Error | undefined;
  readonly #onClose = new Set<(error: Error) => void>();

  private constructor(options: ConnectionOptions, socket: net.Socket) {
    this.#options = options;
    this.address = `${options.host}:${options.port}`;
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) =>
      this.#close(new KafkaConnectionError(`${this.address}: ${error.message}`, { cause: error })),
    );
    socket.on('close', () => this.#close(new KafkaConnectionError(`${this.address}: connection closed by the broker`)));
  }

  /** Opens the socket (and the TLS session); rejects with the socket's or the certificate check's error. */
  static open(options: ConnectionOptions): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const address = `${options.host}:${options.port}`;
      const socket = options.tls
        ? tls.connect({ host: options.host, port: options.port, ...options.tls })
        : net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new KafkaConnectionError(`${address}: no connection within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new KafkaConnectionError(`${address}: ${error.message}`, { cause: error }));
      };
      socket.once('error', fail);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(new Connection(options, socket));
      });
    });
  }

  get closed(): boolean {
    return this.#closedWith !== undefined;
  }

  /** Called once, with the reason, when the connection closes. */
  onClose(listener: (error: Error) => void): void {
    this.#onClose.add(listener);
  }

  /**
   * Sends one request and resolves with a reader positioned at the response body.
   * `flexible`: request header v2 and response header v1 (except ApiVersions' response, always v0).
   */
  request(apiKey: number, version: number, flexible: boolean, body: (w: Writer) => void, size = 128): Promise<Reader> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    this.#correlation = (this.#correlation + 1) & 0x7fffffff;
    const correlationId = this.#correlation;
    const w = new Writer(size + 64);
    const lengthAt = w.reserve32();
    w.int16(apiKey).int16(version).int32(correlationId).string(this.#options.clientId);
    if (flexible) w.tags();
    body(w);
    w.patchInt32(lengthAt, w.length - 4);
    return new Promise<Reader>((resolve, reject) => {
      this.#inFlight.push({
        correlationId,
        flexibleResponse: flexible && apiKey !== 18,
        deadline: Date.now() + this.#options.timeoutMs,
        resolve,
        reject,
      });
      const chunks = w.chunks();
      if (chunks.length === 1) this.#socket.write(chunks[0]);
      else {
        // One writev for the request and its record batches.
        this.#socket.cork();
        for (const chunk of chunks) this.#socket.write(chunk);
        this.#socket.uncork();
      }
      this.#timer ??= setTimeout(() => this.#checkDeadline(), this.#options.timeoutMs);
    });
  }

  #checkDeadline(): void {
    this.#timer = undefined;
    const oldest = this.#inFlight[this.#head];
    if (!oldest) return;
    const left = oldest.deadline - Date.now();
    if (left <= 0) {
      this.#close(new KafkaConnectionError(`${this.address}: no answer within ${this.#options.timeoutMs} ms`));
      this.#socket.destroy();
      return;
    }
    this.#timer = setTimeout(() => this.#checkDeadline(), left);
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= 4) {
      let data = this.#chunks[0];
      if (data.length < 4) data = this.#merge();
      const size = data.readInt32BE(0);
      if (this.#buffered < size + 4) return;
      if (data.length < size + 4) data = this.#merge();
      const frame = data.subarray(4, size + 4);
      if (data.length === size + 4) this.#chunks.shift();
      else this.#chunks[0] = data.subarray(size + 4);
      this.#buffered -= size + 4;
      this.#onFrame(frame);
    }
  }

  #merge(): Buffer {
    const all = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [all];
    return all;
  }

  #onFrame(frame: Buffer): void {
    const next = this.#inFlight[this.#head];
    const correlationId = frame.readInt32BE(0);
    if (!next || next.correlationId !== correlationId) {
      this.#close(
        new KafkaConnectionError(`${this.address}: answer to a request not sent (correlation ${correlationId})`),
      );
      this.#socket.destroy();
      return;
    }
    this.#head++;
    if (this.#head > 64 && this.#head * 2 > this.#inFlight.length) {
      this.#inFlight.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#head === this.#inFlight.length) {
      this.#inFlight.length = 0;
      this.#head = 0;
    }
    const reader = new Reader(frame, 4);
    try {
      if (next.flexibleResponse) reader.tags();
    } catch (error) {
      next.reject(error as Error);
      return;
    }
    next.resolve(reader);
  }

  #close(error: Error): void {
    if (this.#closedWith) return;
    this.#closedWith = error;
    clearTimeout(this.#timer);
    const pending = this.#inFlight.slice(this.#head);
    this.#inFlight.length = 0;
    this.#head = 0;
    for (const request of pending) request.reject(error);
    for (const listener of this.#onClose) listener(error);
  }

  close(): void {
    this.#close(new KafkaConnectionError(`${this.address}: connection closed`));
    this.#socket.end();
    this.#socket.destroy();
  }
}
