import { once } from 'node:events';
import http2 from 'node:http2';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { asOtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcUnaryCall, type UnaryCallOptions } from '../../../../test/support/grpc-export.ts';
import { encodeGrpcMessage, type GrpcServer, startGrpcServer, type UnaryCall } from './grpc-server.ts';

const ECHO = '/test.Echo/Call';
const LIMIT = 64 * 1024;

interface Seen {
  tenant?: string;
  peer?: string;
}

let server: GrpcServer;
const seen: Seen = {};
let release: (() => void) | undefined;

beforeAll(async () => {
  const echo = (call: UnaryCall) => {
    seen.tenant = call.header('x-tenant');
    seen.peer = call.peerAddress;
    call.readMessage().then(
      (message) => {
        const text = message.toString();
        if (text === 'refuse') return call.fail(9, 'refused: ünïcode 100%', Buffer.from([8, 9]));
        if (text === 'hold') {
          release = () => call.reply(Buffer.from('held'));
          return;
        }
        call.reply(Buffer.from(`echo:${text}`));
      },
      (error) => {
        const failure = asOtelgateError(error);
        call.fail(failure.grpcCode, failure.message);
      },
    );
  };
  server = await startGrpcServer('127.0.0.1', 0, {
    handlers: { [ECHO]: echo },
    maxMessageBytes: LIMIT,
    logger: pino({ level: 'silent' }),
  });
});

afterAll(() => server.close());

function call(
  body: Buffer,
  options: { path?: string } & UnaryCallOptions = {},
): Promise<{ error: grpc.ServiceError | null; reply?: Buffer }> {
  return grpcUnaryCall(`127.0.0.1:${server.port}`, options.path ?? ECHO, body, options);
}

/** One raw HTTP/2 request, for what a gRPC client library would never send. */
function rawRequest(headers: http2.OutgoingHttpHeaders, body: Buffer): Promise<http2.IncomingHttpHeaders> {
  const session = http2.connect(`http://127.0.0.1:${server.port}`);
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': ECHO, ...headers });
    let answer: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => {
      answer = { ...h };
    });
    stream.on('trailers', (t) => {
      answer = { ...answer, ...t };
    });
    stream.on('data', () => {});
    stream.on('end', () => {
      session.close();
      resolve(answer);
    });
    stream.on('error', reject);
    stream.end(body);
  });
}

function frame(message: Buffer, flag = 0): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

describe('unary gRPC server on node:http2', () => {
  it('answers a grpc-js client with the reply, and hands over metadata and the peer', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('x-tenant', 'acme');
    const { error, reply } = await call(Buffer.from('hello'), { metadata });
    expect(error).toBeNull();
    expect(reply?.toString()).toBe('echo:hello');
    expect(seen).toEqual({ tenant: 'acme', peer: '127.0.0.1' });
  });

  it('reads gzip-compressed messages', async () => {
    const { error, reply } = await call(Buffer.from('x'.repeat(10_000)), { gzip: true });
    expect(error).toBeNull();
    expect(reply?.toString()).toBe(`echo:${'x'.repeat(10_000)}`);
  });

  it('answers a large message that needs many DATA frames', async () => {
    const body = Buffer.alloc(LIMIT, 'a');
    const { error, reply } = await call(body);
    expect(error).toBeNull();
    expect(reply?.length).toBe(LIMIT + 5);
  });

  it('refuses a message over the limit with RESOURCE_EXHAUSTED, naming the sizes', async () => {
    const { error } = await call(Buffer.alloc(LIMIT + 1));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(error?.details).toBe(
      `request message of ${LIMIT + 1} bytes exceeds the limit of ${LIMIT} bytes (receivers.otlp.grpc.maxRecvMsgSizeMiB)`,
    );
  });

  it('refuses a message announcing a huge length from its prefix, before the bytes arrive', async () => {
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    const stream = session.request({ ':method': 'POST', ':path': ECHO, 'content-type': 'application/grpc' });
    stream.on('error', () => {});
    const prefix = Buffer.from([0, 0x40, 0, 0, 0]); // 1 GiB announced, the stream left open
    stream.write(prefix);
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    expect(headers['grpc-status']).toBe(String(grpc.status.RESOURCE_EXHAUSTED));
    expect(decodeURIComponent(String(headers['grpc-message']))).toContain('request message of 1073741824 bytes');
    stream.close();
    session.close();
  });

  it('refuses a gzip message that inflates past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(LIMIT * 4));
    const answer = await rawRequest({ 'content-type': 'application/grpc', 'grpc-encoding': 'gzip' }, frame(bomb, 1));
    expect(answer['grpc-status']).toBe(String(grpc.status.RESOURCE_EXHAUSTED));
    expect(decodeURIComponent(String(answer['grpc-message']))).toContain('inflates past the limit');
  });

  it('carries a status with a percent-encoded message and binary details', async () => {
    const { error } = await call(Buffer.from('refuse'));
    expect(error?.code).toBe(9);
    expect(error?.details).toBe('refused: ünïcode 100%');
    expect(error?.metadata.get('grpc-status-details-bin')).toEqual([Buffer.from([8, 9])]);
    expect(encodeGrpcMessage('a%b\n')).toBe('a%25b%0A');
  });

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    const { error } = await call(Buffer.from('x'), { path: '/test.Echo/Other' });
    expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(error?.details).toContain('/test.Echo/Other');
  });

  it('refuses two messages in one unary call, a truncated one, and an unknown compression', async () => {
    const two = await rawRequest(
      { 'content-type': 'application/grpc' },
      Buffer.concat([frame(Buffer.from('a')), frame(Buffer.from('b'))]),
    );
    expect(two['grpc-status']).toBe(String(grpc.status.INVALID_ARGUMENT));
    const truncated = await rawRequest(
      { 'content-type': 'application/grpc' },
      frame(Buffer.from('abc')).subarray(0, 6),
    );
    expect(truncated['grpc-status']).toBe(String(grpc.status.INVALID_ARGUMENT));
    expect(decodeURIComponent(String(truncated['grpc-message']))).toBe('the request message is truncated');
    const snappy = await rawRequest(
      { 'content-type': 'application/grpc', 'grpc-encoding': 'snappy' },
      frame(Buffer.from('abc'), 1),
    );
    expect(decodeURIComponent(String(snappy['grpc-message']))).toContain('grpc-encoding "snappy"');
  });

  it('refuses a malformed grpc-timeout with INTERNAL naming it, and takes a well-formed one', async () => {
    for (const timeout of ['', '5', '5s', '123456789S', '1.5S', 'S']) {
      const answer = await rawRequest(
        { 'content-type': 'application/grpc', 'grpc-timeout': timeout },
        frame(Buffer.from('a')),
      );
      expect(answer['grpc-status'], timeout).toBe(String(grpc.status.INTERNAL));
      expect(decodeURIComponent(String(answer['grpc-message']))).toContain(`malformed grpc-timeout "${timeout}"`);
    }
    const fine = await rawRequest(
      { 'content-type': 'application/grpc', 'grpc-timeout': '99999999n' },
      frame(Buffer.from('a')),
    );
    expect(fine['grpc-status']).toBe('0');
  });

  it('answers a request that is not gRPC with HTTP 415', async () => {
    const answer = await rawRequest({ 'content-type': 'application/json' }, Buffer.from('{}'));
    expect(answer[':status']).toBe(415);
  });

  it('survives a client that resets its call mid-message, and keeps serving', async () => {
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    const stream = session.request({ ':method': 'POST', ':path': ECHO, 'content-type': 'application/grpc' });
    stream.on('error', () => {});
    stream.write(frame(Buffer.alloc(1000)).subarray(0, 500));
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    session.close();
    const { error, reply } = await call(Buffer.from('after'));
    expect(error).toBeNull();
    expect(reply?.toString()).toBe('echo:after');
  });

  it('on close, finishes the call under way before it stops', async () => {
    const held = call(Buffer.from('hold'));
    await expect.poll(() => release).toBeDefined();
    const closed = server.close();
    release?.();
    const { error, reply } = await held;
    expect(error).toBeNull();
    expect(reply?.toString()).toBe('held');
    await closed;
  });
});

describe('stream limits', () => {
  let limited: GrpcServer;
  const refusals: string[] = [];

  beforeAll(async () => {
    const echo = (call: UnaryCall) => {
      call.readMessage().then(
        (message) => call.reply(Buffer.from(`echo:${message}`)),
        (error) => {
          const failure = asOtelgateError(error);
          call.fail(failure.grpcCode, failure.message);
        },
      );
    };
    limited = await startGrpcServer('127.0.0.1', 0, {
      handlers: { [ECHO]: echo },
      maxMessageBytes: LIMIT,
      maxConcurrentStreams: 2,
      streamIdleTimeoutMs: 1000,
      onLimitRefusal: (reason) => refusals.push(reason),
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(() => limited.close());

  it('holds a connection to its stream cap, and an idle stream cut off frees its slot', async () => {
    const session = http2.connect(`http://127.0.0.1:${limited.port}`);
    try {
      const open = () => {
        const stream = session.request({ ':method': 'POST', ':path': ECHO, 'content-type': 'application/grpc' });
        stream.on('error', () => {});
        return stream;
      };
      const idle = [open(), open()];
      for (const stream of idle) stream.write(frame(Buffer.from('never finished')).subarray(0, 8));
      // A client that does not wait for the cap is refused the stream past it.
      const third = open();
      third.end(frame(Buffer.from('third')));
      await new Promise((resolve) => third.once('close', resolve));
      expect(third.rstCode).toBe(http2.constants.NGHTTP2_REFUSED_STREAM);
      expect(session.remoteSettings.maxConcurrentStreams).toBe(2);
      const cutOff = await Promise.all(
        idle.map(
          (stream) =>
            new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once('response', (answer) => resolve(answer))),
        ),
      );
      // Once the idle streams are cut off, their slots serve new calls.
      const fourth = open();
      fourth.end(frame(Buffer.from('fourth')));
      const [headers] = (await once(fourth, 'response')) as [http2.IncomingHttpHeaders];
      expect(headers[':status']).toBe(200);
      for (const answer of cutOff) expect(answer['grpc-status']).toBe(String(grpc.status.DEADLINE_EXCEEDED));
      expect(refusals).toEqual(['idle-timeout', 'idle-timeout']);
    } finally {
      session.destroy();
    }
  });
});
