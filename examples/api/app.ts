import { recordExpressErrors } from '@otelgate/node/express';
import { enqueueTraced } from '@otelgate/worker';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Logger as WinstonLogger } from 'winston';

export type ApiDeps = {
  pool: Pool;
  redis: Redis;
  queue: Queue;
  logger: Logger;
  /** A second logger, to show winston records exported too (as an audit trail here). */
  audit: WinstonLogger;
  allowedOrigins: string[];
};

/** The example API: one route per thing the instrumentation should show. */
export function createApp({ pool, redis, queue, logger, audit, allowedOrigins }: ApiDeps): express.Express {
  const app = express();
  app.use(express.json());
  app.use(accessLog(logger));
  app.use(cors(allowedOrigins));

  // A PostgreSQL query and a Redis round trip inside one request: three spans in one trace.
  app.get('/api/items/:id', async (req, res) => {
    const id = Number(req.params.id);
    const cached = await redis.get(`item:${id}`);
    const { rows } = await pool.query('SELECT $1::int AS id, md5($1::text) AS name, now() AS served_at', [id]);
    await redis.set(`item:${id}`, JSON.stringify(rows[0]), 'EX', 60);
    logger.info({ itemId: id, cached: cached !== null }, 'item served');
    audit.info('item read', { itemId: id });
    res.json({ ...rows[0], cached: cached !== null });
  });

  app.get('/api/boom', () => {
    throw new Error('boom: the example route failed on purpose');
  });

  // Enqueues a BullMQ job carrying this request's trace context to examples/worker.
  app.post('/api/jobs', async (req, res) => {
    const job = await enqueueTraced(queue, 'send-email', { to: String(req.body?.to ?? 'someone@example.com') });
    logger.info({ jobId: job.id }, 'job enqueued');
    res.status(202).json({ jobId: job.id });
  });

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.use(recordExpressErrors());
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err: error }, 'request failed');
    res.status(500).json({ error: error.message });
  });
  return app;
}

function cors(allowedOrigins: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-allow-headers', 'content-type, traceparent, tracestate, baggage');
      res.setHeader('access-control-allow-methods', 'GET, POST');
      res.setHeader('timing-allow-origin', origin);
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}

/**
 * One access-log line per request, common log format plus the response time in ms, as a web
 * server writes it: the gateway's logmetrics processor turns these lines into the
 * access_log_request_duration_seconds histogram (deploy/otelgate/otelgate.yaml).
 */
function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const when = new Date().toISOString();
      const bytes = res.getHeader('content-length') ?? '-';
      logger.info(
        `${req.ip ?? '-'} - - [${when}] "${req.method} ${req.originalUrl} HTTP/${req.httpVersion}" ${res.statusCode} ${bytes} ${ms.toFixed(3)}`,
      );
    });
    next();
  };
}
