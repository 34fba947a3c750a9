import type { ServerResponse } from 'node:http';
import type { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Signal } from '@otelgate/pipelines/model/common.ts';
import { encodeExportResponse, exportResponseJson } from '@otelgate/pipelines/otlp/response.ts';
import { encodeRpcStatus } from '../rpc-status.ts';

/** A full success: the Export*ServiceResponse (no partial_success: ingest takes a request whole) in the request's encoding. */
export function sendSuccess(response: ServerResponse, signal: Signal, json: boolean): void {
  if (json) response.writeHead(200, { 'content-type': 'application/json' }).end(exportResponseJson(signal));
  else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(encodeExportResponse(signal));
}

/** OTLP/HTTP failures carry a google.rpc.Status (code, message) in the request's encoding, as the OTLP spec asks. */
export function sendError(response: ServerResponse, error: OtelgateError, json: boolean): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  if (json) {
    headers['content-type'] = 'application/json';
    response.writeHead(error.httpStatus, headers).end(JSON.stringify({ code: error.grpcCode, message: error.message }));
  } else {
    headers['content-type'] = 'application/x-protobuf';
    response
      .writeHead(error.httpStatus, headers)
      .end(encodeRpcStatus(error.grpcCode, error.message, error.retryAfterSeconds));
  }
}
