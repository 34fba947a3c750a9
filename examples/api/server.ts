// Start: node --import @otelgate/node/register examples/api/server.ts
// Env: PG_URL, REDIS_URL, PORT (0 = any free port), QUEUE_NAME, CORS_ORIGINS (comma-separated),
// plus the standard OTEL_* variables for where the telemetry goes.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { OtelgateWinstonTransport } from '@otelgate/node/winston';
import { pino } from 'pino';
import winston from 'winston';
import { createApp } from './app.ts';

const logger = pino({ name: 'examples-api' });
const audit = winston.createLogger({
  defaultMeta: { logger: 'audit' },
  transports: [new winston.transports.Console(), new OtelgateWinstonTransport()],
});
const pool = new pg.Pool({
  connectionString: process.env.PG_URL ?? 'postgres://otelgate:otelgate@127.0.0.1:15432/otelgate',
});
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const redis = new Redis(redisUrl);
const queue = new Queue(process.env.QUEUE_NAME ?? 'emails', {
  connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
});
const allowedOrigins = (process.env.CORS_ORIGINS ?? '').split(',').filter(Boolean);

const app = createApp({ pool, redis, queue, logger, audit, allowedOrigins });
const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, 'examples/api listening');
  // One line a supervising test can wait for.
  process.stdout.write(`LISTENING port=${port}\n`);
});

process.on('SIGTERM', () => {
  server.close(async () => {
    await Promise.allSettled([queue.close(), redis.quit(), pool.end()]);
    const { flushGlobalProviders } = await import('@otelgate/node');
    await flushGlobalProviders();
    process.exit(0);
  });
});
