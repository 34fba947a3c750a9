// One OTLP/gRPC trace Export call with pass-through bytes, for tests that check what the
// gateway answers: resolves with the call's error, or null when it succeeded.
import * as grpc from '@grpc/grpc-js';

export function grpcTraceExport(
  address: string,
  body: Buffer,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      body,
      metadata,
      (error) => {
        client.close();
        resolve(error);
      },
    );
  });
}
