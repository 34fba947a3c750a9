import * as grpc from '@grpc/grpc-js';
import { asOtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { encodeExportResponse } from '@otelgate/pipelines/otlp/response.ts';
import type { Logger } from 'pino';
import type { TenantResolver } from '../../auth/api-keys.ts';
import { parseEndpoint } from '../../config/endpoint.ts';
import type { GrpcReceiverConfig } from '../../config/schema.ts';
import type { InFlightLimiter } from '../../ingest/in-flight-limiter.ts';
import type { IngestService } from '../../ingest/ingest-service.ts';
import type { ReceiverMetrics } from '../../telemetry/self-metrics.ts';
import { encodeRpcStatus } from '../rpc-status.ts';

const SERVICES: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

// Pass-through (de)serializers: ingest scans the bytes itself and never builds message objects.
const passThrough = (bytes: Buffer) => bytes;

export interface GrpcReceiverOptions {
  config: GrpcReceiverConfig;
  ingest: IngestService;
  tenants: TenantResolver;
  limiter: InFlightLimiter;
  metrics: ReceiverMetrics;
  logger: Logger;
}

/** OTLP/gRPC on 4317: the three Export methods; gzip handled by grpc-js; messages over the limit refused before buffering. */
export async function startGrpcReceiver(options: GrpcReceiverOptions): Promise<grpc.Server> {
  const maxBytes = Math.floor(options.config.maxRecvMsgSizeMiB * 1024 * 1024);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const signal of Object.keys(SERVICES) as Signal[]) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path: SERVICES[signal],
        requestStream: false,
        responseStream: false,
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    };
    server.addService(definition, { Export: exportHandler(signal, options) });
  }
  const { host, port } = parseEndpoint(options.config.endpoint)!;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(new Error(`cannot listen on ${address}: ${error.message}`)) : resolve(boundPort),
    );
  }).then((boundPort) => {
    (server as grpc.Server & { boundPort?: number }).boundPort = boundPort;
  });
  return server;
}

function exportHandler(signal: Signal, options: GrpcReceiverOptions): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const started = performance.now();
    let release: (() => void) | undefined;
    const finish = (outcome: string) =>
      options.metrics.requestDuration.record((performance.now() - started) / 1000, {
        signal,
        transport: 'grpc',
        outcome,
      });
    const fail = (error: unknown) => {
      release?.();
      const failure = asOtelgateError(error);
      options.metrics.refusedRequests.add(1, { signal, transport: 'grpc', reason: failure.kind });
      if (failure.kind === 'internal') options.logger.error({ err: error, signal }, 'OTLP/gRPC request failed');
      const metadata = new grpc.Metadata();
      metadata.set(
        'grpc-status-details-bin',
        encodeRpcStatus(failure.grpcCode, failure.message, failure.retryAfterSeconds),
      );
      finish(failure.kind);
      callback({ code: failure.grpcCode, details: failure.message, metadata });
    };
    try {
      const tenant = options.tenants.resolve((name) => {
        const values = call.metadata.get(name);
        return values.length > 0 ? String(values[0]) : undefined;
      });
      const body = call.request;
      release = options.limiter.acquire(body.length);
      options.metrics.requestSize.record(body.length, { signal, transport: 'grpc' });
      options.ingest
        .accept({ signal, transport: 'grpc', body, json: false, tenant, peerAddress: peerAddress(call.getPeer()) })
        .then(() => {
          release?.();
          finish('accepted');
          const reply = encodeExportResponse(signal);
          callback(null, Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength));
        }, fail);
    } catch (error) {
      fail(error);
    }
  };
}

/** grpc-js reports peers as `ipv4:1.2.3.4:5678`, `ipv6:[::1]:5678` or `1.2.3.4:5678`. */
function peerAddress(peer: string): string | undefined {
  const match = /^(?:ipv[46]:)?\[?([^\]]+?)\]?:\d+$/.exec(peer);
  const address = match?.[1];
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}
