// TLS on an OTLP receiver (`receivers.otlp.http.tls`, `receivers.otlp.grpc.tls`), named like
// buffer.kafka.tls; the Collector's configtls calls these cert_file, key_file, client_ca_file, min_version.
import { z } from 'zod';

export const receiverTlsSchema = z.strictObject({
  /** PEM certificate chain the receiver presents (leaf first). */
  certFile: z.string().min(1),
  /** PEM private key of that certificate. */
  keyFile: z.string().min(1),
  /** PEM CA bundle: when set, clients must present a certificate it signed (mutual TLS). */
  clientCaFile: z.string().min(1).optional(),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
});

export type ReceiverTlsConfig = z.output<typeof receiverTlsSchema>;
