// Syslog over UDP (RFC 5426): one message per datagram. There is no acknowledgement to withhold,
// so what cannot be taken is dropped and counted.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parseEndpoint } from '../../config/endpoint.ts';
import type { SyslogConfig } from './config.ts';
import type { MessageHandler } from './message-handler.ts';

export async function startUdpListener(
  config: NonNullable<SyslogConfig['udp']>,
  handler: MessageHandler,
): Promise<Socket> {
  const endpoint = parseEndpoint(config.endpoint)!;
  const socket = createSocket({ type: isIPv6(endpoint.host) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (message, peer) => {
    if (message.length > config.maxMessageBytes) {
      handler.drop('udp', 'too_large', `${message.length} bytes, limit ${config.maxMessageBytes}`, peer.address);
      return;
    }
    handler.handle(message, 'udp', peer.address, peer.port);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error) =>
      reject(new Error(`cannot listen on udp ${endpoint.host}:${endpoint.port}: ${error.message}`)),
    );
    socket.bind(endpoint.port, endpoint.host, () => resolve());
  });
  return socket;
}
