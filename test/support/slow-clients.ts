// Clients that hold a gateway's resources on purpose: HTTP uploads that announce a large body and
// trickle it, and gRPC calls whose one message never finishes (RELIABILITY.md #25, #26).
import type http2 from 'node:http2';
import { connect } from 'node:net';

export interface SlowAnswer {
  /** HTTP status, or 0 when the connection closed without one. */
  status: number;
  /** The response as received (status line, headers, body). */
  text: string;
}

export interface SlowUploadOptions {
  path?: string;
  announcedBytes: number;
  /** Sent at once after the headers. */
  firstBytes?: number;
  /** Then this many bytes every `everyMs`. */
  chunkBytes: number;
  everyMs: number;
  headers?: Record<string, string>;
}

/** A raw HTTP/1.1 POST that announces `announcedBytes` and sends them slowly; never finishes by itself. */
export function slowHttpUpload(
  baseUrl: string,
  options: SlowUploadOptions,
): { answer: Promise<SlowAnswer>; stop(): void } {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const head = [
    `POST ${options.path ?? '/v1/traces'} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    'content-type: application/x-protobuf',
    `content-length: ${options.announcedBytes}`,
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  let timer: NodeJS.Timeout | undefined;
  socket.once('connect', () => {
    socket.write(head);
    if (options.firstBytes) socket.write(Buffer.alloc(options.firstBytes));
    timer = setInterval(() => {
      if (!socket.destroyed) socket.write(Buffer.alloc(options.chunkBytes));
    }, options.everyMs);
  });
  socket.on('error', () => {});
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk.toString('utf8');
  });
  const answer = new Promise<SlowAnswer>((resolve) => {
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
  return {
    answer,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

export interface GrpcAnswer {
  grpcStatus: number | undefined;
  grpcMessage: string | undefined;
}

/**
 * One call on `session` whose message announces `announcedBytes` and sends only `sentBytes` of
 * them, then nothing. Resolves with the status the server answered (undefined if none).
 */
export function unfinishedGrpcCall(
  session: http2.ClientHttp2Session,
  options: { path?: string; announcedBytes: number; sentBytes: number; headers?: http2.OutgoingHttpHeaders },
): Promise<GrpcAnswer> {
  const stream = session.request({
    ':method': 'POST',
    ':path': options.path ?? '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    'content-type': 'application/grpc',
    te: 'trailers',
    ...options.headers,
  });
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(options.announcedBytes, 1);
  stream.write(prefix);
  stream.write(Buffer.alloc(options.sentBytes));
  return new Promise((resolve) => {
    let answer: http2.IncomingHttpHeaders = {};
    const take = (headers: http2.IncomingHttpHeaders) => {
      answer = { ...answer, ...headers };
    };
    stream.on('response', take);
    stream.on('trailers', take);
    stream.on('data', () => {});
    stream.on('error', () => {});
    stream.once('close', () => {
      const status = answer['grpc-status'];
      resolve({
        grpcStatus: status === undefined ? undefined : Number(status),
        grpcMessage:
          answer['grpc-message'] === undefined ? undefined : decodeURIComponent(String(answer['grpc-message'])),
      });
    });
  });
}
