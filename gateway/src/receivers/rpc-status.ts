// google.rpc.Status, with a google.rpc.RetryInfo detail for retryable refusals: the body of an
// OTLP/HTTP error and the `grpc-status-details-bin` trailer of a gRPC one, as the OTLP spec asks.
// Four tiny messages, written by hand (with the codec's varint writer) rather than pulling in a protobuf runtime.
import { writeVarint } from '@otelgate/pipelines/otlp/wire-writer.ts';

/**
 * Status { int32 code = 1; string message = 2; repeated Any details = 3; }
 * Any { string type_url = 1; bytes value = 2; }
 * RetryInfo { Duration retry_delay = 1; }  Duration { int64 seconds = 1; }
 */
export function encodeRpcStatus(code: number, message: string, retryAfterSeconds?: number): Buffer {
  const parts = [tag(1, 0), varint(code), lengthDelimited(2, Buffer.from(message, 'utf8'))];
  if (retryAfterSeconds !== undefined) {
    const duration = Buffer.concat([tag(1, 0), varint(retryAfterSeconds)]);
    const retryInfo = lengthDelimited(1, duration);
    const any = Buffer.concat([
      lengthDelimited(1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')),
      lengthDelimited(2, retryInfo),
    ]);
    parts.push(lengthDelimited(3, any));
  }
  return Buffer.concat(parts);
}

function tag(field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType);
}

function lengthDelimited(field: number, body: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(body.length), body]);
}

function varint(value: number): Buffer {
  const out = Buffer.allocUnsafe(10);
  return out.subarray(0, writeVarint(out, 0, value >>> 0));
}
