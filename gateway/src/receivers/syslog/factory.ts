// Builds the syslog receiver (UDP and/or TCP/TLS listeners feeding one batcher) from its config.
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { boundPort } from '../listen.ts';
import type { LogReceiverContext } from '../filelog/factory.ts';
import type { SyslogConfig } from './config.ts';
import { MessageHandler } from './message-handler.ts';
import { declareSyslogMetrics } from './metrics.ts';
import { RecordBatcher } from './record-batcher.ts';
import { startTcpListener } from './tcp-listener.ts';
import { startUdpListener } from './udp-listener.ts';

export interface SyslogReceiver {
  ports: { udp?: number; tcp?: number };
  /** Stops listening, then appends what was received within `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

export async function startSyslogReceiver(config: SyslogConfig, context: LogReceiverContext): Promise<SyslogReceiver> {
  const logger = context.logger.child({ component: 'syslog' });
  const transports = [...(config.udp ? ['udp'] : []), ...(config.tcp ? ['tcp'] : [])];
  let batcher: RecordBatcher | undefined;
  const metrics = declareSyslogMetrics(context.meter, transports, () => ({
    records: batcher?.pending ?? 0,
    bytes: batcher?.pendingBytes ?? 0,
  }));
  batcher = new RecordBatcher(config, context.submit, metrics, logger);
  const handler = new MessageHandler(config, batcher, metrics, logger);
  let udp: UdpSocket | undefined;
  let tcp: Server | undefined;
  try {
    if (config.udp) udp = await startUdpListener(config.udp, handler);
    if (config.tcp) tcp = await startTcpListener(config.tcp, handler, batcher, metrics);
  } catch (error) {
    udp?.close();
    tcp?.close();
    throw error;
  }
  const openSockets = new Set<import('node:net').Socket>();
  tcp?.on('connection', (socket) => {
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  });
  return {
    ports: { udp: udp?.address().port, tcp: tcp ? boundPort(tcp) : undefined },
    async stop(graceMs) {
      udp?.close();
      if (tcp) {
        const closed = new Promise((resolve) => tcp.close(resolve));
        for (const socket of openSockets) socket.end();
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, graceMs))]);
        for (const socket of openSockets) socket.destroy();
      }
      await batcher.close(graceMs);
    },
  };
}
