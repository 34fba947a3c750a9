import { createServer, type Server } from 'node:http';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Logger } from 'pino';
import type { HostPort } from '../config/endpoint.ts';
import { listen } from '../receivers/listen.ts';
import type { AdminPage } from './admin-page.ts';
import { type AdminRoute, serveAdminRoute } from './routes/admin-route.ts';

export interface ReadinessCheck {
  name: string;
  /** True when this part can do its work now. */
  ready(): boolean | Promise<boolean>;
}

export interface AdminServerOptions {
  endpoint: HostPort;
  exporter: PrometheusExporter;
  checks: ReadinessCheck[];
  readinessCacheMs: number;
  logger: Logger;
  /** Endpoints that need the admin token (dead letters, tap, reload): see admin-auth.ts. */
  routes?: AdminRoute[];
  /** Read-only endpoints open without the token (`/status`, `/`). */
  pages?: AdminPage[];
  /** The configured admin token, read per request (a reload may change it). */
  adminToken?: () => string | undefined;
}

/** `/metrics`, `/healthz`, `/readyz`, `/status`, `/` and the token routes, on their own port, never on the OTLP ports. */
export async function startAdminServer(options: AdminServerOptions): Promise<Server> {
  let cached: { at: number; body: Record<string, boolean>; ok: boolean } | undefined;

  async function readiness() {
    const now = Date.now();
    if (cached && now - cached.at < options.readinessCacheMs) return cached;
    const body: Record<string, boolean> = {};
    for (const check of options.checks) {
      body[check.name] = await Promise.resolve(check.ready()).catch(() => false);
    }
    cached = { at: now, body, ok: Object.values(body).every(Boolean) };
    return cached;
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://admin');
    const path = url.pathname;
    const route = options.routes?.find((candidate) => candidate.paths.includes(path));
    if (route) {
      serveAdminRoute(route, request, response, url, options.adminToken?.(), options.logger);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const page = options.pages?.find((candidate) => candidate.paths.includes(path));
    if (page) {
      page.handle(request, response, url).catch((error: Error) => {
        options.logger.error({ err: error, path }, 'admin page failed');
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`${error.message}\n`);
      });
    } else if (path === '/metrics') {
      options.exporter.getMetricsRequestHandler(request, response);
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"alive"}');
    } else if (path === '/readyz') {
      readiness().then(
        ({ ok, body }) => {
          response
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: ok ? 'ready' : 'not ready', checks: body }));
        },
        (error: Error) => {
          options.logger.error({ err: error }, 'readiness check failed');
          response.writeHead(503).end();
        },
      );
    } else {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('not found: try /status, /metrics, /healthz or /readyz\n');
    }
  });
  await listen(server, options.endpoint);
  return server;
}
