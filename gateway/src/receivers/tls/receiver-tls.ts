// TLS for one OTLP receiver: the server options to create it with, and what runs beside it
// (certificate reloads, logging and counting refused handshakes and client certificates).
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket, TlsOptions } from 'node:tls';
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { watchCertificates } from './certificate-watcher.ts';
import { clientCertificateRefusal, refusalReason } from './client-certificate.ts';
import type { ReceiverTlsConfig } from './config.ts';
import { describeCertificate, readTlsFiles, tlsServerOptions } from './tls-options.ts';

export interface ReceiverTlsMetrics {
  tlsRefusedConnections: Counter;
  tlsCertificateReloads: Counter;
}

export interface ReceiverTls {
  /** For https.createServer / http2.createSecureServer. */
  readonly serverOptions: TlsOptions;
  /** Starts watching the certificates and logging refusals; both stop when the server closes. */
  attach(server: TlsServer): void;
  /** Why requests on this connection are refused (mutual TLS, bad or missing client certificate), else undefined. */
  refusal(socket: Socket | undefined): string | undefined;
}

export interface ReceiverTlsContext {
  transport: 'http' | 'grpc';
  logger: Logger;
  metrics: ReceiverTlsMetrics;
}

/** Reads the certificate files now, so a missing or unreadable one stops startup with its path. */
export function loadReceiverTls(config: ReceiverTlsConfig, context: ReceiverTlsContext): ReceiverTls {
  const { transport, logger, metrics } = context;
  const loaded = readTlsFiles(config);
  const serverOptions = tlsServerOptions(config, loaded);
  const mutual = config.clientCaFile !== undefined;
  return {
    serverOptions,
    refusal: mutual ? clientCertificateRefusal : () => undefined,
    attach(server) {
      const watcher = watchCertificates({
        server,
        config,
        loaded,
        logger,
        onReload: (outcome) => metrics.tlsCertificateReloads.add(1, { transport, outcome }),
      });
      server.once('close', () => watcher.close());
      server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
        metrics.tlsRefusedConnections.add(1, { transport, reason: handshakeReason(error) });
        logger.warn(
          {
            peer: socket.remoteAddress,
            reason: (error as { reason?: string }).reason ?? error.message,
            code: error.code,
          },
          'TLS handshake refused',
        );
      });
      if (mutual) {
        server.on('secureConnection', (socket: TLSSocket) => {
          if (socket.authorized) return;
          metrics.tlsRefusedConnections.add(1, { transport, reason: refusalReason(socket) });
          logger.warn(
            { peer: socket.remoteAddress, reason: clientCertificateRefusal(socket) },
            'client certificate refused',
          );
        });
      }
      logger.info(
        { certificate: describeCertificate(loaded.cert), mutual, minVersion: config.minVersion },
        'serving TLS',
      );
    },
  };
}

function handshakeReason(error: NodeJS.ErrnoException): string {
  return (error.code ?? 'other').replace(/^ERR_SSL_/, '').toLowerCase();
}
