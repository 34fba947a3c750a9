// Connection- and protocol-level attacks on the OTLP receivers, with raw sockets against a real
// gateway process (RELIABILITY.md #25): slow or silent request headers, HTTP/1.1 pipelining
// without reading, answers never taken, HTTP/2 connections that never speak or sit idle,
// zero-window streams, rapid reset, OTLP/JSON that decodes into millions of objects, idle
// connections filling the connection cap. Each is cut off with a status naming the limit and
// counted in otelgate_receiver_limit_refusals; well-behaved clients keep getting 200 / OK.
import http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumCounter } from '../../loadtest/collector/accepted-spans.ts';
import { eventuallyAsync } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { grpcTraceExport } from '../support/grpc-export.ts';
import { makeSpans, traceRequestProto } from '../support/otlp-payloads.ts';
import { slowHttpUpload, unfinishedGrpcCall } from '../support/slow-clients.ts';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const body = traceRequestProto(makeSpans(20, 'polite'));
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      receivers: {
        otlp: {
          http: { readHeaderTimeoutSeconds: 2, writeTimeoutSeconds: 2, maxPipelinedRequests: 16 },
          grpc: { connectionIdleTimeoutSeconds: 3, writeTimeoutSeconds: 2 },
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway.kill('SIGTERM');
});

const refusals = (target: GatewayProcess, transport: string, reason: string) =>
  sumCounter(`${target.adminUrl}/metrics`, 'otelgate_receiver_limit_refusals', { transport, reason });

function postTraces(target: GatewayProcess, payload: Buffer = body): Promise<number> {
  return fetch(`${target.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(payload),
  }).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
    () => 0,
  );
}

/** Polite HTTP and gRPC clients every 100 ms until stopped; resolves with every status they got. */
function politeClients(target: GatewayProcess): { stop(): Promise<{ http: number[]; grpc: number[] }> } {
  let running = true;
  const http: number[] = [];
  const grpcCodes: number[] = [];
  const loop = async (send: () => Promise<number>, into: number[]) => {
    while (running) {
      into.push(await send());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const done = Promise.all([
    loop(() => postTraces(target), http),
    loop(async () => (await grpcTraceExport(target.grpcAddress, body))?.code ?? 0, grpcCodes),
  ]);
  return {
    async stop() {
      running = false;
      await done;
      return { http, grpc: grpcCodes };
    },
  };
}

interface RawConnection {
  socket: Socket;
  /** Everything the server sent, as latin1. */
  received(): string;
  /** Resolves with ms from connect to close. */
  closed: Promise<number>;
}

function rawConnection(address: string, onConnect: (socket: Socket) => void = () => {}): RawConnection {
  const [host, port] = address.replace('http://', '').split(':');
  const socket = connect(Number(port), host);
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  socket.once('connect', () => onConnect(socket));
  return {
    socket,
    received: () => text,
    closed: new Promise((resolve) => socket.once('close', () => resolve(Date.now() - started))),
  };
}

describe('HTTP/1.1', () => {
  it('answers slow or silent request headers with 408 naming readHeaderTimeoutSeconds', {
    timeout: 30_000,
  }, async () => {
    const polite = politeClients(gateway);
    const silent = Array.from({ length: 20 }, () => rawConnection(gateway.httpUrl));
    const slowloris = Array.from({ length: 20 }, () =>
      rawConnection(gateway.httpUrl, (socket) => {
        socket.write('POST /v1/traces HTTP/1.1\r\nhost: x\r\n');
        const timer = setInterval(() => {
          if (socket.destroyed) clearInterval(timer);
          else socket.write(`x-${Math.random().toString(36).slice(2, 8)}: y\r\n`);
        }, 500);
      }),
    );
    const times = await Promise.all([...silent, ...slowloris].map((connection) => connection.closed));
    const statuses = await polite.stop();
    // 2 s, looked at every second: not Node's default of up to 30 s more.
    for (const ms of times) expect(ms).toBeLessThan(8000);
    for (const connection of [...silent, ...slowloris]) {
      expect(connection.received()).toMatch(
        /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\n\r\nthe request line and headers did not arrive within 2 s \(receivers\.otlp\.http\.readHeaderTimeoutSeconds\)\n$/,
      );
    }
    expect(await refusals(gateway, 'http', 'header-timeout')).toBeGreaterThanOrEqual(40);
    expect(new Set(statuses.http)).toEqual(new Set([200]));
    expect(new Set(statuses.grpc)).toEqual(new Set([0]));
  });

  it('answers oversized headers with 431 and a message, and counts them', async () => {
    const connection = rawConnection(gateway.httpUrl, (socket) =>
      socket.write(`POST /v1/traces HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(64 * 1024)}\r\n\r\n`),
    );
    await connection.closed;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 431 [\s\S]*the request headers exceed 16 KiB/);
    expect(await refusals(gateway, 'http', 'header-size')).toBeGreaterThanOrEqual(1);
  });

  it('closes a connection pipelining more unanswered requests than maxPipelinedRequests', {
    timeout: 30_000,
  }, async () => {
    const polite = politeClients(gateway);
    const request = Buffer.from(
      'POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
    );
    // 20,000 requests written at once and no answer read: before the cap, each held its request
    // and response objects until answered (tens of thousands ended the process at its heap cap).
    const flood = rawConnection(gateway.httpUrl, (socket) => {
      socket.pause();
      socket.write(Buffer.concat(Array.from({ length: 20_000 }, () => request)));
    });
    expect(await flood.closed).toBeLessThan(10_000);
    const statuses = await polite.stop();
    expect(await refusals(gateway, 'http', 'pipeline-depth')).toBeGreaterThanOrEqual(1);
    expect(new Set(statuses.http)).toEqual(new Set([200]));
  });

  it('closes the connection of a client that does not read its answers within writeTimeoutSeconds', {
    timeout: 30_000,
  }, async () => {
    // 415 answers repeat the 8 KiB Content-Encoding: MiBs of answers, more than the kernel buffers.
    const request = Buffer.from(
      `POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\ncontent-encoding: ${'e'.repeat(8 * 1024)}\r\ncontent-length: 0\r\n\r\n`,
    );
    const before = await refusals(gateway, 'http', 'write-timeout');
    const stalled = rawConnection(gateway.httpUrl, (socket) => {
      socket.pause();
      let sent = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || sent >= 2000) return clearInterval(timer);
        // A few at a time, so the pipelining cap is not what closes it.
        for (let index = 0; index < 4; index++) socket.write(request);
        sent += 4;
      }, 2);
    });
    expect(await stalled.closed).toBeLessThan(20_000);
    expect(await refusals(gateway, 'http', 'write-timeout')).toBeGreaterThan(before);
    expect(await postTraces(gateway)).toBe(200);
  });

  it('refuses OTLP/JSON that would decode into millions of objects with 413, and stays up', {
    timeout: 30_000,
  }, async () => {
    // 18 MB of empty spans: ~380 MiB of heap once parsed, past the ingest role's heap cap.
    const spans = `${'{},'.repeat(6_000_000)}{}`;
    const json = Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${spans}]}]}]}`);
    const response = await fetch(`${gateway.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(json),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).message).toMatch(
      /^OTLP\/JSON body of 18000051 bytes would take about \d+ bytes to decode, over limits\.maxInFlightBytes \(67108864\): split it or send protobuf$/,
    );
    expect(await refusals(gateway, 'http', 'json-decode-size')).toBe(1);
    expect(await postTraces(gateway)).toBe(200);
  });
});

describe('HTTP/2 (gRPC)', () => {
  it('closes connections that never speak HTTP/2, and idle ones after connectionIdleTimeoutSeconds', {
    timeout: 30_000,
  }, async () => {
    const silent = Array.from({ length: 10 }, () => rawConnection(gateway.grpcAddress));
    const idleSessions = Array.from({ length: 10 }, () => {
      const session = http2.connect(`http://${gateway.grpcAddress}`);
      session.on('error', () => {});
      const started = Date.now();
      return new Promise<{ ms: number; goaway: boolean }>((resolve) => {
        let goaway = false;
        session.once('goaway', () => {
          goaway = true;
        });
        session.once('close', () => resolve({ ms: Date.now() - started, goaway }));
      });
    });
    const idle = await Promise.all(idleSessions);
    for (const session of idle) {
      expect(session.goaway).toBe(true);
      expect(session.ms).toBeLessThan(8000);
    }
    // Without a call they are idle too: closed at the idle timeout, before the 10 s handshake one.
    for (const ms of await Promise.all(silent.map((connection) => connection.closed))) expect(ms).toBeLessThan(8000);
    expect(await refusals(gateway, 'grpc', 'connection-idle')).toBeGreaterThanOrEqual(20);
  });

  it('resets calls whose answer the client never takes (zero flow-control window)', { timeout: 30_000 }, async () => {
    const session = http2.connect(`http://${gateway.grpcAddress}`, { settings: { initialWindowSize: 0 } });
    session.on('error', () => {});
    try {
      const frame = Buffer.alloc(5 + body.length);
      frame.writeUInt32BE(body.length, 1);
      body.copy(frame, 5);
      const calls = Array.from({ length: 50 }, () => rawExportResetCode(session, frame));
      const codes = await Promise.all(calls);
      expect(new Set(codes)).toEqual(new Set([http2.constants.NGHTTP2_CANCEL]));
      expect(await refusals(gateway, 'grpc', 'write-timeout')).toBeGreaterThanOrEqual(50);
      expect(await grpcTraceExport(gateway.grpcAddress, body)).toBeNull();
    } finally {
      session.destroy();
    }
  });

  it('ends a session that opens and resets streams in a flood (rapid reset), and counts it', {
    timeout: 30_000,
  }, async () => {
    const polite = politeClients(gateway);
    const session = http2.connect(`http://${gateway.grpcAddress}`);
    session.on('error', () => {});
    const ended = new Promise<void>((resolve) => session.once('close', () => resolve()));
    await new Promise((resolve) => session.once('connect', resolve));
    for (let round = 0; round < 200 && !session.destroyed && !session.closed; round++) {
      for (let index = 0; index < 50 && !session.destroyed && !session.closed; index++) {
        const stream = session.request({ ':method': 'POST', ':path': EXPORT_PATH, 'content-type': 'application/grpc' });
        stream.on('error', () => {});
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await ended;
    const statuses = await polite.stop();
    expect(await refusals(gateway, 'grpc', 'protocol-abuse')).toBeGreaterThanOrEqual(1);
    expect(new Set(statuses.grpc)).toEqual(new Set([0]));
    expect(new Set(statuses.http)).toEqual(new Set([200]));
  });
});

describe('connection cap', () => {
  let capped: GatewayProcess;
  beforeAll(async () => {
    capped = await startGatewayProcess({
      config: {
        receivers: { otlp: { http: { maxConnections: 3 }, grpc: { maxConnections: 2, maxConcurrentCalls: 4 } } },
      },
    });
  });
  afterAll(async () => {
    await capped.kill('SIGTERM');
  });

  it('refuses connections past the cap while every open one has a request under way, and counts them', {
    timeout: 30_000,
  }, async () => {
    const uploads = Array.from({ length: 3 }, () =>
      slowHttpUpload(capped.httpUrl, { announcedBytes: 1024 * 1024, chunkBytes: 2000, everyMs: 200 }),
    );
    const sessions = Array.from({ length: 2 }, () => http2.connect(`http://${capped.grpcAddress}`));
    for (const session of sessions) session.on('error', () => {});
    const calls = sessions.map((session) => unfinishedGrpcCall(session, { announcedBytes: 100_000, sentBytes: 10 }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      expect(await postTraces(capped)).toBe(0);
      expect((await grpcTraceExport(capped.grpcAddress, body))?.code).toBe(grpc.status.UNAVAILABLE);
      expect(await refusals(capped, 'http', 'connection-limit')).toBeGreaterThanOrEqual(1);
      expect(await refusals(capped, 'grpc', 'connection-limit')).toBeGreaterThanOrEqual(1);
    } finally {
      for (const upload of uploads) upload.stop();
      for (const session of sessions) session.destroy();
      await Promise.all(calls);
    }
    expect(await eventuallyAsync(async () => (await postTraces(capped)) === 200, 10_000)).toBe(true);
    expect(await eventuallyAsync(async () => (await grpcTraceExport(capped.grpcAddress, body)) === null, 10_000)).toBe(
      true,
    );
  });

  it('refuses calls past maxConcurrentCalls across connections with REFUSED_STREAM before any work', {
    timeout: 30_000,
  }, async () => {
    const session = http2.connect(`http://${capped.grpcAddress}`);
    session.on('error', () => {});
    try {
      const held = Array.from({ length: 4 }, () =>
        unfinishedGrpcCall(session, { announcedBytes: 100_000, sentBytes: 10 }),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const refused = await rawExportResetCode(session, Buffer.alloc(5));
      expect(refused).toBe(http2.constants.NGHTTP2_REFUSED_STREAM);
      expect(await refusals(capped, 'grpc', 'stream-limit')).toBeGreaterThanOrEqual(1);
      session.destroy();
      await Promise.all(held);
    } finally {
      session.destroy();
    }
    expect(await eventuallyAsync(async () => (await grpcTraceExport(capped.grpcAddress, body)) === null, 10_000)).toBe(
      true,
    );
  });

  it('closes a gRPC connection that never sends the HTTP/2 preface after 10 s', { timeout: 30_000 }, async () => {
    // This gateway keeps idle connections for the default 180 s: only the handshake timeout applies.
    const silent = rawConnection(capped.grpcAddress);
    const ms = await silent.closed;
    expect(ms).toBeGreaterThanOrEqual(9000);
    expect(ms).toBeLessThan(15_000);
    expect(await refusals(capped, 'grpc', 'header-timeout')).toBe(1);
  });

  it('closes the longest-idle connection for a refused client, so idle connections cannot lock others out', {
    timeout: 30_000,
  }, async () => {
    const idleHttp = Array.from({ length: 3 }, () => rawConnection(capped.httpUrl));
    const idleGrpc = Array.from({ length: 2 }, () => rawConnection(capped.grpcAddress));
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      // The first attempt may be the one dropped at the cap; its retry finds the room made for it.
      expect(await eventuallyAsync(async () => (await postTraces(capped)) === 200, 10_000)).toBe(true);
      expect(
        await eventuallyAsync(async () => (await grpcTraceExport(capped.grpcAddress, body)) === null, 10_000),
      ).toBe(true);
      expect(await refusals(capped, 'http', 'connection-idle')).toBeGreaterThanOrEqual(1);
      expect(await refusals(capped, 'grpc', 'connection-idle')).toBeGreaterThanOrEqual(1);
    } finally {
      for (const connection of [...idleHttp, ...idleGrpc]) connection.socket.destroy();
    }
  });
});

/** Sends `frame` as one raw trace Export call; resolves with the stream's RST_STREAM code when it closes. */
function rawExportResetCode(session: http2.ClientHttp2Session, frame: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': EXPORT_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', () => {});
    stream.on('data', () => {});
    stream.once('close', () => resolve(stream.rstCode));
    stream.end(frame);
  });
}
