import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type Signal = 'traces' | 'metrics' | 'logs';
type Json = Record<string, any>;

/**
 * A stand-in OTLP/HTTP receiver for the instrumentation tests: accepts OTLP/JSON on /v1/{signal},
 * answers CORS like the gateway does for allowed origins, and keeps every request body.
 */
export class OtlpCapture {
  readonly requests: Record<Signal, Json[]> = { traces: [], metrics: [], logs: [] };
  readonly origins = new Set<string>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const origin = req.headers.origin;
      if (origin) {
        this.origins.add(origin);
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'Origin');
        res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'content-type');
        res.setHeader('access-control-allow-methods', 'POST');
      }
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      const signal = /^\/v1\/(traces|metrics|logs)$/.exec(req.url ?? '')?.[1] as Signal | undefined;
      if (req.method !== 'POST' || !signal) return void res.writeHead(404).end();
      readBody(req).then(
        (body) => {
          if (!/json/.test(req.headers['content-type'] ?? '')) return void res.writeHead(415).end();
          this.requests[signal].push(JSON.parse(body.toString('utf8')));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        },
        () => res.writeHead(400).end(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}
