// Reads a receiver's certificate files into the options node:tls takes, and says what they hold.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { ReceiverTlsConfig } from './config.ts';

/** The files' contents, kept to tell a real change from a touch. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export function readTlsFiles(config: ReceiverTlsConfig): TlsFiles {
  return {
    cert: readNamed(config.certFile, 'certFile'),
    key: readNamed(config.keyFile, 'keyFile'),
    ca: config.clientCaFile ? readNamed(config.clientCaFile, 'clientCaFile') : undefined,
  };
}

export function sameTlsFiles(a: TlsFiles, b: TlsFiles): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key) && (a.ca && b.ca ? a.ca.equals(b.ca) : a.ca === b.ca);
}

/** What `setSecureContext` takes: the certificate, key, client CA and protocol floor. */
export function secureContextOptions(config: ReceiverTlsConfig, files: TlsFiles): SecureContextOptions {
  return { cert: files.cert, key: files.key, ca: files.ca, minVersion: config.minVersion };
}

/**
 * Server options: with a client CA the client's certificate is asked for and checked, but the
 * connection is not cut at the handshake (Node would reset it without a word): each request on it
 * is refused with the reason instead (client-certificate.ts).
 */
export function tlsServerOptions(config: ReceiverTlsConfig, files: TlsFiles): TlsOptions {
  return { ...secureContextOptions(config, files), requestCert: files.ca !== undefined, rejectUnauthorized: false };
}

/** Subject and expiry of the leaf certificate, for the log lines that say what is being served. */
export function describeCertificate(cert: Buffer): { subject: string; validTo: string } | undefined {
  try {
    const leaf = new X509Certificate(cert);
    return { subject: leaf.subject.replaceAll('\n', ', '), validTo: leaf.validTo };
  } catch {
    return undefined;
  }
}

function readNamed(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`tls.${field}: cannot read ${path}: ${(error as Error).message}`);
  }
}
