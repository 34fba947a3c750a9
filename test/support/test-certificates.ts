// Test PKI made with the system's openssl at test time: a CA, a second CA nobody trusts, server
// certificates for 127.0.0.1/localhost signed by the CA, and client certificates from each CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caFile: string;
  /** A client certificate and key signed by the CA. */
  client: { certFile: string; keyFile: string };
  /** A client certificate signed by a CA the gateway does not trust. */
  strangerClient: { certFile: string; keyFile: string };
  /** Issues another server certificate (CN = `name`) for 127.0.0.1 and localhost, signed by the CA. */
  serverCertificate(name: string): { certFile: string; keyFile: string };
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-pki-'));
  const path = (name: string) => join(dir, name);
  writeFileSync(path('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const selfSigned = (name: string, subject: string) =>
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.pem`),
      '-subj',
      subject,
    ]);
  const issue = (name: string, subject: string, ca: string, extensions?: string) => {
    openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
      '-subj',
      subject,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path(`${ca}.pem`),
      '-CAkey',
      path(`${ca}.key`),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      path(`${name}.pem`),
      ...(extensions ? ['-extfile', path(extensions)] : []),
    ]);
    return { certFile: path(`${name}.pem`), keyFile: path(`${name}.key`) };
  };
  selfSigned('ca', '/CN=otelgate test CA');
  selfSigned('stranger-ca', '/CN=untrusted test CA');
  return {
    dir,
    caFile: path('ca.pem'),
    client: issue('client', '/CN=trusted client', 'ca'),
    strangerClient: issue('stranger-client', '/CN=stranger client', 'stranger-ca'),
    serverCertificate: (name) => issue(`server-${name}`, `/CN=${name}`, 'ca', 'server.ext'),
  };
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
