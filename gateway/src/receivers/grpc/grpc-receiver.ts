import { asOtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { encodeExportResponse } from '@otelgate/pipelines/otlp/response.ts';
import type { Logger } from 'pino';
import type { TenantResolver } from '../../auth/api-keys.ts';
import { parseEndpoint } from '../../config/endpoint.ts';
import type { GrpcReceiverConfig } from '../../config/schema.ts';
import type { Admission } from '../../ingest/admission.ts';
import { unmappedAddress } from '../../ingest/peer-address.ts';
import type { ReceiverMetrics } from '../../telemetry/self-metrics.ts';
import { encodeRpcStatus } from '../rpc-status.ts';
import { loadReceiverTls } from '../tls/receiver-tls.ts';
import { type GrpcServer, startGrpcServer, type UnaryCall, type UnaryHandler } from './grpc-server.ts';

const SERVICES: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export interface GrpcReceiverOptions {
  config: GrpcReceiverConfig;
  admission: Admission;
  tenants: TenantResolver;
  metrics: ReceiverMetrics;
  logger: Logger;
}

/** OTLP/gRPC on 4317: the three Export methods, gzip or deflate; messages over the limit refused before buffering. */
export async function startGrpcReceiver(options: GrpcReceiverOptions): Promise<GrpcServer> {
  const handlers: Record<string, UnaryHandler> = {};
  for (const signal of Object.keys(SERVICES) as Signal[]) handlers[SERVICES[signal]] = exportHandler(signal, options);
  const { host, port } = parseEndpoint(options.config.endpoint)!;
  return startGrpcServer(host, port, {
    handlers,
    maxMessageBytes: Math.floor(options.config.maxRecvMsgSizeMiB * 1024 * 1024),
    maxConcurrentStreams: options.config.maxConcurrentStreams,
    maxConnections: options.config.maxConnections,
    maxConcurrentCalls: options.config.maxConcurrentCalls,
    streamIdleTimeoutMs: options.config.streamIdleTimeoutSeconds * 1000,
    readTimeoutMs: options.config.readTimeoutSeconds * 1000,
    connectionIdleTimeoutMs: options.config.connectionIdleTimeoutSeconds * 1000,
    writeTimeoutMs: options.config.writeTimeoutSeconds * 1000,
    onLimitRefusal: (reason) => options.metrics.limitRefusals.add(1, { transport: 'grpc', reason }),
    logger: options.logger,
    tls:
      options.config.tls &&
      loadReceiverTls(options.config.tls, { transport: 'grpc', logger: options.logger, metrics: options.metrics }),
  });
}

function exportHandler(signal: Signal, options: GrpcReceiverOptions): UnaryHandler {
  const reply = encodeExportResponse(signal);
  return (call) => {
    accept(signal, call, options).then(
      () => call.reply(reply),
      (error: unknown) => {
        const failure = asOtelgateError(error);
        if (failure.kind === 'internal') options.logger.error({ err: error, signal }, 'OTLP/gRPC request failed');
        call.fail(
          failure.grpcCode,
          failure.message,
          encodeRpcStatus(failure.grpcCode, failure.message, failure.retryAfterSeconds),
        );
      },
    );
  };
}

/** Resolves once the request is durable in the buffer; records the call's size, outcome and duration. */
async function accept(signal: Signal, call: UnaryCall, options: GrpcReceiverOptions): Promise<void> {
  const started = performance.now();
  const labels = { signal, transport: 'grpc' };
  let outcome = 'accepted';
  try {
    await options.admission.admit({
      signal,
      transport: 'grpc',
      tenant: options.tenants.resolve(call.header),
      json: false,
      peerAddress: unmappedAddress(call.peerAddress),
      read: (account) => call.readMessage(account),
    });
  } catch (error) {
    outcome = asOtelgateError(error).kind;
    options.metrics.refusedRequests.add(1, { ...labels, reason: outcome });
    throw error;
  } finally {
    options.metrics.requestDuration.record((performance.now() - started) / 1000, { ...labels, outcome });
  }
}
