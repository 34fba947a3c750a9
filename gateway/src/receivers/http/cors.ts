import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsPolicy {
  allowedOrigins: string[];
  allowedHeaders: string[];
  maxAgeSeconds: number;
}

// Headers the OTLP exporters send; the configured list adds to these.
const BASE_HEADERS = ['content-type', 'content-encoding', 'authorization', 'x-api-key'];

/**
 * Adds CORS headers when the request's Origin is allowed. Credentials are never allowed, so
 * a `*` in the list answers `*` and never pairs with Access-Control-Allow-Credentials.
 * Returns whether the origin was allowed (or there was no Origin at all).
 */
export function applyCors(request: IncomingMessage, response: ServerResponse, policy: CorsPolicy): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  response.setHeader('vary', 'Origin');
  const wildcard = policy.allowedOrigins.includes('*');
  if (!wildcard && !policy.allowedOrigins.includes(origin)) return false;
  response.setHeader('access-control-allow-origin', wildcard ? '*' : origin);
  return true;
}

export function answerPreflight(request: IncomingMessage, response: ServerResponse, policy: CorsPolicy): void {
  const allowed = request.headers.origin !== undefined && applyCors(request, response, policy);
  if (!allowed) {
    response.writeHead(403, { 'content-type': 'text/plain' }).end('origin not allowed\n');
    return;
  }
  const headers = [...new Set([...BASE_HEADERS, ...policy.allowedHeaders.map((h) => h.toLowerCase())])];
  response
    .writeHead(204, {
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': headers.join(', '),
      'access-control-max-age': String(policy.maxAgeSeconds),
    })
    .end();
}
