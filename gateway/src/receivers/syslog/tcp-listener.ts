// Syslog over TCP (RFC 6587) and TLS (RFC 5425). A connection whose messages cannot be queued is
// paused (not read) until the queue drains: TCP pushes back on the sender instead of dropping.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { unmappedAddress } from '../../ingest/peer-address.ts';
import { parseEndpoint } from '../../config/endpoint.ts';
import { listen } from '../listen.ts';
import { readTlsFiles, secureContextOptions } from '../tls/tls-options.ts';
import type { SyslogConfig } from './config.ts';
import type { MessageHandler } from './message-handler.ts';
import type { SyslogMetrics } from './metrics.ts';
import type { RecordBatcher } from './record-batcher.ts';
import { SyslogFramer } from './tcp-framing.ts';

export async function startTcpListener(
  config: NonNullable<SyslogConfig['tcp']>,
  handler: MessageHandler,
  batcher: RecordBatcher,
  metrics: SyslogMetrics,
): Promise<Server> {
  const onConnection = (socket: Socket) => serve(socket, config, handler, batcher, metrics);
  const server = config.tls
    ? createTlsServer(
        {
          ...secureContextOptions(config.tls, readTlsFiles(config.tls)),
          // No request to answer with a refusal here: a client without the right certificate is cut at the handshake.
          requestCert: config.tls.clientCaFile !== undefined,
          rejectUnauthorized: config.tls.clientCaFile !== undefined,
        },
        onConnection,
      )
    : createServer(onConnection);
  server.maxConnections = config.maxConnections;
  await listen(server, parseEndpoint(config.endpoint)!);
  return server;
}

function serve(
  socket: Socket,
  config: NonNullable<SyslogConfig['tcp']>,
  handler: MessageHandler,
  batcher: RecordBatcher,
  metrics: SyslogMetrics,
): void {
  const peerAddress = unmappedAddress(socket.remoteAddress) ?? '';
  const peerPort = socket.remotePort ?? 0;
  const framer = new SyslogFramer(config.maxMessageBytes);
  metrics.connections.add(1);
  socket.once('close', () => metrics.connections.add(-1));
  socket.on('error', () => socket.destroy());
  socket.setTimeout(config.idleTimeoutMs, () => socket.destroy());
  // Frames the batcher could not take yet (it filled up mid-chunk): replayed on drain, in order.
  let waiting: Buffer[] = [];
  const resume = () => {
    const replay = waiting;
    waiting = [];
    for (let i = 0; i < replay.length; i++) {
      if (!handler.handle(replay[i], 'tcp', peerAddress, peerPort)) {
        waiting = replay.slice(i);
        batcher.onDrain(resume);
        return;
      }
    }
    if (!socket.destroyed) socket.resume();
  };
  socket.on('data', (chunk: Buffer) => {
    framer.push(chunk, (event) => {
      if (event.kind === 'too-large') {
        handler.drop(
          'tcp',
          'too_large',
          `${event.announced} octets announced, limit ${config.maxMessageBytes}`,
          peerAddress,
        );
        return;
      }
      if (event.kind === 'bad-frame') {
        handler.drop('tcp', 'malformed', event.reason, peerAddress);
        return;
      }
      if (event.truncated) metrics.truncated.add(1, { transport: 'tcp' });
      if (waiting.length > 0 || !handler.handle(event.bytes, 'tcp', peerAddress, peerPort)) {
        waiting.push(Buffer.from(event.bytes));
      }
    });
    if (waiting.length > 0 && !socket.isPaused()) {
      socket.pause();
      metrics.pauses.add(1);
      batcher.onDrain(resume);
    }
  });
}
