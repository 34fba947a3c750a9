// Why a connection's client certificate is refused, in words a client's operator can act on.
// Node checks the certificate after the handshake (its verify callback accepts everything), so a
// refusal there would only be a reset connection: the receivers answer each request with
// 401 / UNAUTHENTICATED and this message instead.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** Undefined when the peer presented a certificate the client CA signed. */
export function clientCertificateRefusal(socket: Socket | undefined): string | undefined {
  const tls = socket as TLSSocket | undefined;
  if (!tls || tls.authorized) return undefined;
  const certificate = tls.getPeerCertificate?.();
  if (!certificate || Object.keys(certificate).length === 0) {
    return 'client certificate required: this receiver accepts only clients presenting a certificate signed by its clientCaFile, and none was sent';
  }
  const subject = distinguishedName(certificate.subject);
  const issuer = distinguishedName(certificate.issuer);
  return `client certificate refused: ${subject} (issued by ${issuer}) is not trusted by this receiver's clientCaFile (${tls.authorizationError ?? 'unverified'})`;
}

/** The reason as a short, bounded metric label. */
export function refusalReason(socket: TLSSocket): string {
  const certificate = socket.getPeerCertificate?.();
  if (!certificate || Object.keys(certificate).length === 0) return 'no_client_certificate';
  return String(socket.authorizationError ?? 'unverified').toLowerCase();
}

function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return 'an unnamed subject';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : (value ?? '')}`)
    .join(', ');
}
