// Re-reads a receiver's certificate files when they change or on SIGHUP and swaps them into the
// server with setSecureContext: new handshakes get the new certificate, open connections keep
// theirs. A half-rotated set (a new key beside the old certificate) fails to load and the previous
// one stays in service until the next change completes it.
import { type FSWatcher, watch } from 'node:fs';
import { dirname } from 'node:path';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { ReceiverTlsConfig } from './config.ts';
import { describeCertificate, readTlsFiles, sameTlsFiles, secureContextOptions, type TlsFiles } from './tls-options.ts';

/** Rotations write several files in a row (cert-manager, certbot): wait for them to settle. */
const SETTLE_MS = 200;

export interface CertificateWatcher {
  /** Re-reads the files now; returns whether a new certificate went into service. */
  reload(cause: string): boolean;
  close(): void;
}

export interface WatchCertificatesOptions {
  server: TlsServer;
  config: ReceiverTlsConfig;
  /** The files the server was started with. */
  loaded: TlsFiles;
  logger: Logger;
  onReload(outcome: 'reloaded' | 'failed'): void;
}

export function watchCertificates(options: WatchCertificatesOptions): CertificateWatcher {
  const { server, config, logger } = options;
  let current = options.loaded;
  let timer: NodeJS.Timeout | undefined;

  const reload = (cause: string): boolean => {
    let next: TlsFiles;
    try {
      next = readTlsFiles(config);
      if (sameTlsFiles(current, next)) return false;
      server.setSecureContext(secureContextOptions(config, next));
    } catch (error) {
      options.onReload('failed');
      logger.warn(
        { cause, reason: (error as Error).message },
        'TLS certificate reload failed; still serving the previous certificate',
      );
      return false;
    }
    current = next;
    options.onReload('reloaded');
    logger.info({ cause, certificate: describeCertificate(next.cert) }, 'TLS certificate reloaded');
    return true;
  };
  const schedule = (cause: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => reload(cause), SETTLE_MS);
    timer.unref();
  };

  // Directories, not files: a rotation often replaces a file (rename, or Kubernetes' symlink swap),
  // which a watch on the old file would never see.
  const directories = new Set([config.certFile, config.keyFile, config.clientCaFile].filter(isSet).map(dirname));
  const watchers: FSWatcher[] = [];
  for (const directory of directories) {
    try {
      const watcher = watch(directory, { persistent: false }, () => schedule('file change'));
      watcher.on('error', (error) => logger.warn({ err: error, directory }, 'cannot watch TLS certificate directory'));
      watchers.push(watcher);
    } catch (error) {
      logger.warn({ err: error, directory }, 'cannot watch TLS certificate directory; reload with SIGHUP');
    }
  }
  const onHangup = () => reload('SIGHUP');
  process.on('SIGHUP', onHangup);

  return {
    reload,
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      process.off('SIGHUP', onHangup);
    },
  };
}

function isSet(value: string | undefined): value is string {
  return value !== undefined;
}
