// A unary-only gRPC server on node:http2, for the three OTLP Export methods. Written by hand, not
// taken from a library, because it is the hot path: grpc-js's per-call machinery (metadata
// objects, filter stacks, call state) cost about as much CPU per request as the rest of ingest
// together (docs/BENCHMARKS.md, "OTLP/gRPC on node:http2"), and OTLP needs only what the
// gRPC-over-HTTP/2 protocol says about a unary call: one length-prefixed message in, one out,
// the status in trailers (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md).
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { ReceiverTls } from '../tls/receiver-tls.ts';
import type { ByteAccount, LimitReason } from '../../ingest/admission.ts';
import { IdleConnections } from '../../ingest/idle-connections.ts';
import { ReadDeadline } from '../read-deadline.ts';
import { readUnaryMessage } from './grpc-message.ts';

const { HTTP2_HEADER_STATUS, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_PATH, HTTP2_HEADER_METHOD } = http2.constants;

/** Status codes from the gRPC spec that the transport itself answers with. */
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const DEADLINE_EXCEEDED = 4;
const UNAUTHENTICATED = 16;

/** What a unary handler gets: the call's metadata, its peer, and one way to read and to answer it. */
export interface UnaryCall {
  /** A metadata entry (request header) by lower-case name. */
  header(name: string): string | undefined;
  /** The socket's remote address, as the OS gives it. */
  readonly peerAddress: string | undefined;
  /**
   * The request message, decompressed, each chunk charged to `account` as it arrives. Rejects with
   * an OtelgateError for what the caller sent wrong, what `account` refused, or a deadline.
   */
  readMessage(account?: ByteAccount): Promise<Buffer>;
  /** Answers with one response message and status OK. */
  reply(message: Uint8Array): void;
  /** Answers with a status (trailers only); `details` is the binary google.rpc.Status. */
  fail(code: number, message: string, details?: Uint8Array): void;
}

export type UnaryHandler = (call: UnaryCall) => void;

export interface GrpcServerOptions {
  /** Handlers by full method path, `/package.Service/Method`. */
  handlers: Record<string, UnaryHandler>;
  /** Largest request message, after decompression. */
  maxMessageBytes: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS of every connection. */
  maxConcurrentStreams?: number;
  /** Open connections; more are closed at once. */
  maxConnections?: number;
  /** Calls open at once across all connections; more are reset with REFUSED_STREAM before any work. */
  maxConcurrentCalls?: number;
  /** A call whose message stops arriving for this long is cut off with DEADLINE_EXCEEDED. */
  streamIdleTimeoutMs?: number;
  /** The whole message must arrive within this time, else DEADLINE_EXCEEDED. */
  readTimeoutMs?: number;
  /** A connection with no call open for this long is closed (GOAWAY); so is one that never speaks. */
  connectionIdleTimeoutMs?: number;
  /** An answer the client has not taken (flow control) within this time is cut off with RST_STREAM. */
  writeTimeoutMs?: number;
  /** Hears of every call or connection a limit refused or cut off. */
  onLimitRefusal?: (reason: LimitReason) => void;
  logger: Logger;
  /** Serve over TLS (ALPN h2) instead of cleartext HTTP/2. */
  tls?: ReceiverTls;
}

export interface GrpcServer {
  readonly port: number;
  /** Stops accepting connections; open ones get GOAWAY and close once their calls are answered. */
  close(): Promise<void>;
}

// Larger than HTTP/2's 64 KiB default, so a client can send a typical export (tens to hundreds
// of KB) without waiting for WINDOW_UPDATE round trips.
const STREAM_WINDOW_BYTES = 1024 * 1024;
const SESSION_WINDOW_BYTES = 16 * 1024 * 1024;

export async function startGrpcServer(host: string, port: number, options: GrpcServerOptions): Promise<GrpcServer> {
  const { tls } = options;
  const settings = { initialWindowSize: STREAM_WINDOW_BYTES, maxConcurrentStreams: options.maxConcurrentStreams };
  // Typed as the cleartext server: both emit the same session, connection and stream events.
  const server = (
    tls ? http2.createSecureServer({ ...tls.serverOptions, settings }) : http2.createServer({ settings })
  ) as http2.Http2Server;
  if (tls) tls.attach(server as unknown as TlsServer);
  const sessions = new Set<http2.ServerHttp2Session>();
  const idle = new IdleConnections<http2.ServerHttp2Session>();
  const answered = new Map<http2.ServerHttp2Stream, number>();
  const spoken = new WeakSet<http2.ServerHttp2Session>();
  const closeIdle = (session: http2.ServerHttp2Session) => {
    options.onLimitRefusal?.('connection-idle');
    // One that never spoke HTTP/2 would not answer a GOAWAY: do not wait for it.
    if (spoken.has(session)) session.close();
    else session.destroy();
  };
  if (options.maxConnections) server.maxConnections = options.maxConnections;
  server.on('drop', () => {
    options.onLimitRefusal?.('connection-limit');
    // At the cap, the connection idle longest makes room, so the refused client's retry gets in.
    idle.evictOne(closeIdle);
  });
  server.on('session', (session) => {
    sessions.add(session);
    idle.opened(session);
    // A connection must send the HTTP/2 preface and its SETTINGS soon, as HTTP/1.1 its headers.
    const handshake = setTimeout(() => {
      options.onLimitRefusal?.('header-timeout');
      session.destroy();
    }, HANDSHAKE_TIMEOUT_MS);
    handshake.unref();
    session.once('remoteSettings', () => {
      spoken.add(session);
      clearTimeout(handshake);
    });
    session.once('close', () => {
      clearTimeout(handshake);
      sessions.delete(session);
      idle.closed(session);
    });
    session.on('error', (error) => {
      // nghttp2 ends a session that floods it (rapid reset, invalid frames, too many pings or settings).
      if ((error as NodeJS.ErrnoException).code === 'ERR_HTTP2_ERROR') options.onLimitRefusal?.('protocol-abuse');
      options.logger.debug({ err: error }, 'gRPC connection failed');
    });
    session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW_BYTES));
  });
  const idleTimeoutMs = options.connectionIdleTimeoutMs ?? 0;
  const writeTimeoutMs = options.writeTimeoutMs ?? 0;
  // One sweep a second for every connection and answer: no timer per call on the hot path.
  const sweep = setInterval(() => {
    if (idleTimeoutMs > 0) idle.closeIdleFor(idleTimeoutMs, closeIdle);
    if (writeTimeoutMs > 0) cutOffUntakenAnswers(answered, writeTimeoutMs, options);
  }, SWEEP_MS);
  sweep.unref();
  let openCalls = 0;
  const maxCalls = options.maxConcurrentCalls ?? Number.POSITIVE_INFINITY;
  const calls: CallTracker = {
    began: (stream) => {
      const session = stream.session as http2.ServerHttp2Session;
      openCalls++;
      idle.begin(session);
      stream.once('close', () => {
        openCalls--;
        answered.delete(stream);
        idle.end(session);
      });
    },
    answered: (stream) => {
      if (!stream.closed) answered.set(stream, performance.now());
    },
  };
  // A reply is three small writes (headers, message, trailers): no Nagle delay between them. Set
  // on the raw socket: once HTTP/2 owns it, its proxy refuses socket calls.
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  server.on('stream', (stream, headers) => {
    // Each connection may open maxConcurrentStreams, but thousands of connections doing so at
    // once would create more streams than memory holds: past the cap they are refused at once,
    // which clients retry.
    if (openCalls >= maxCalls) {
      options.onLimitRefusal?.('stream-limit');
      stream.on('error', () => {});
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    const certificateRefusal = tls?.refusal(stream.session?.socket);
    calls.began(stream);
    if (certificateRefusal) trailersOnly(stream, UNAUTHENTICATED, certificateRefusal, undefined, calls);
    else serveStream(stream, headers, options, calls);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on ${host}:${port}: ${error.message}`)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        server.close(() => resolve());
        for (const session of sessions) session.close();
      }),
  };
}

const SWEEP_MS = 1000;
/** Time a new connection has to send the HTTP/2 preface and SETTINGS. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Hears of every call: when it began and when it was answered (what the sweep looks at). */
interface CallTracker {
  began(stream: http2.ServerHttp2Stream): void;
  answered(stream: http2.ServerHttp2Stream): void;
}

/**
 * Answers are a few hundred bytes, sent at once unless the client withholds flow-control window
 * (never reads). Such a call would keep its stream, its buffers and its stream slot forever.
 */
function cutOffUntakenAnswers(
  answered: Map<http2.ServerHttp2Stream, number>,
  writeTimeoutMs: number,
  options: GrpcServerOptions,
): void {
  const cutoff = performance.now() - writeTimeoutMs;
  for (const [stream, at] of answered) {
    if (at > cutoff) break;
    answered.delete(stream);
    options.onLimitRefusal?.('write-timeout');
    stream.close(http2.constants.NGHTTP2_CANCEL);
  }
}

function serveStream(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  options: GrpcServerOptions,
  calls: CallTracker,
): void {
  // An unhandled 'error' on a stream (a client resetting it mid-call) would crash the process.
  stream.on('error', (error) => options.logger.debug({ err: error }, 'gRPC stream failed'));
  const contentType = first(headers[HTTP2_HEADER_CONTENT_TYPE]) ?? '';
  if (!contentType.startsWith('application/grpc')) {
    // The spec answers a non-gRPC request with an HTTP status, not a gRPC one.
    respondIfOpen(
      stream,
      { [HTTP2_HEADER_STATUS]: 415, 'grpc-status': INTERNAL, 'grpc-message': 'not a gRPC request' },
      calls,
    );
    return;
  }
  const path = first(headers[HTTP2_HEADER_PATH]) ?? '';
  // Own properties only: `handlers` is a plain object, and a path must never find Object's members.
  const handler =
    headers[HTTP2_HEADER_METHOD] === 'POST' && Object.hasOwn(options.handlers, path)
      ? options.handlers[path]
      : undefined;
  if (!handler) {
    stream.resume();
    trailersOnly(stream, UNIMPLEMENTED, `unknown method ${path}`, undefined, calls);
    return;
  }
  const timeout = first(headers['grpc-timeout']);
  const callDeadlineMs = parseGrpcTimeout(timeout);
  if (timeout !== undefined && callDeadlineMs === undefined) {
    // As grpc-go answers it: a deadline the client meant to set cannot be guessed.
    stream.resume();
    trailersOnly(
      stream,
      INTERNAL,
      `malformed grpc-timeout ${JSON.stringify(timeout)}: expected 1 to 8 digits and a unit (H, M, S, m, u or n), as in "5S"`,
      undefined,
      calls,
    );
    return;
  }
  const socket = stream.session?.socket as Socket | undefined;
  const deadline = new ReadDeadline(
    {
      readTimeoutMs: options.readTimeoutMs ?? 30_000,
      idleTimeoutMs: options.streamIdleTimeoutMs ?? 0,
      minBytesPerSecond: 0,
      callDeadlineMs,
      configPath: 'receivers.otlp.grpc',
      what: 'request message',
    },
    (reason, error) => {
      options.onLimitRefusal?.(reason);
      // While reading, the reader stops and the handler answers; after, nobody else would.
      if (!deadline.interrupt) trailersOnly(stream, DEADLINE_EXCEEDED, error.message, undefined, calls);
    },
  );
  stream.once('close', () => deadline.stop());
  handler({
    header: (name) => first(headers[name]),
    peerAddress: socket?.remoteAddress,
    readMessage: (account) =>
      readUnaryMessage(stream, first(headers['grpc-encoding']), options.maxMessageBytes, account, deadline),
    reply: (message) => {
      deadline.stop();
      reply(stream, message);
      calls.answered(stream);
    },
    fail: (code, message, details) => {
      deadline.stop();
      trailersOnly(stream, code, message, details, calls);
    },
  });
}

const TIMEOUT_UNITS_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** `grpc-timeout` ("100m", "5S": at most 8 digits and a unit) in ms; undefined when absent or malformed. */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  return match ? Number(match[1]) * TIMEOUT_UNITS_MS[match[2]] : undefined;
}

function reply(stream: http2.ServerHttp2Stream, message: Uint8Array): void {
  if (stream.destroyed || stream.headersSent) return;
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0; // not compressed
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  stream.respond(
    { [HTTP2_HEADER_STATUS]: 200, [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc' },
    { waitForTrailers: true },
  );
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(frame);
}

/** A response of headers only, carrying the status (the spec's Trailers-Only). */
function trailersOnly(
  stream: http2.ServerHttp2Stream,
  code: number,
  message: string,
  details: Uint8Array | undefined,
  calls: CallTracker,
): void {
  const headers: http2.OutgoingHttpHeaders = {
    [HTTP2_HEADER_STATUS]: 200,
    [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
    'grpc-status': String(code),
    'grpc-message': encodeGrpcMessage(message),
  };
  // Binary metadata is base64; the spec asks senders to leave out the padding.
  if (details) headers['grpc-status-details-bin'] = Buffer.from(details).toString('base64').replace(/=+$/, '');
  respondIfOpen(stream, headers, calls);
}

function respondIfOpen(stream: http2.ServerHttp2Stream, headers: http2.OutgoingHttpHeaders, calls: CallTracker): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond(headers, { endStream: true });
  calls.answered(stream);
  // What the client still sends (a refused message's rest) is read and thrown away; a client
  // still sending is asked to stop (RST_STREAM NO_ERROR after the answer, RFC 9113 8.1), so one
  // that never finishes does not keep its stream slot.
  stream.resume();
  if (!stream.readableEnded) stream.close(http2.constants.NGHTTP2_NO_ERROR);
}

/** grpc-message is percent-encoded: every byte outside printable ASCII, and '%' itself. */
export function encodeGrpcMessage(message: string): string {
  let encoded = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    encoded +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
