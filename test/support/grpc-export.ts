// Unary gRPC calls with pass-through bytes through a real grpc-js client, for tests that check
// what a server answers.
import * as grpc from '@grpc/grpc-js';

export interface UnaryCallOptions {
  metadata?: grpc.Metadata;
  /** Send the message gzip-compressed (grpc-encoding: gzip). */
  gzip?: boolean;
  /** Channel credentials (TLS, client certificate); cleartext by default. */
  credentials?: grpc.ChannelCredentials;
}

/** One call of `path`: resolves with its error (null when it succeeded) and the reply's bytes. */
export function grpcUnaryCall(
  address: string,
  path: string,
  body: Buffer,
  options: UnaryCallOptions = {},
): Promise<{ error: grpc.ServiceError | null; reply?: Buffer }> {
  const client = new grpc.Client(
    address,
    options.credentials ?? grpc.credentials.createInsecure(),
    options.gzip ? { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip } : {},
  );
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      body,
      options.metadata ?? new grpc.Metadata(),
      (error, reply) => {
        client.close();
        resolve({ error, reply });
      },
    );
  });
}

/** One OTLP trace Export call: resolves with the call's error, or null when it succeeded. */
export async function grpcTraceExport(
  address: string,
  body: Buffer,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<grpc.ServiceError | null> {
  return (
    await grpcUnaryCall(address, '/opentelemetry.proto.collector.trace.v1.TraceService/Export', body, { metadata })
  ).error;
}
