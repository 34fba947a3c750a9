// Start: node --import @otelgate/node/register examples/worker/worker.ts
// Env: REDIS_URL, QUEUE_NAME (default emails), plus the standard OTEL_* variables.
import { closeOnSignal, observeBullmqQueue, traceProcessor } from '@otelgate/worker';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';

const logger = pino({ name: 'examples-worker' });
const queueName = process.env.QUEUE_NAME ?? 'emails';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379';
const connection = () => new Redis(redisUrl, { maxRetriesPerRequest: null });

type EmailJob = { to: string };

async function sendEmail(job: Job<EmailJob>): Promise<{ sent: boolean }> {
  if (job.data.to.startsWith('fail')) throw new Error(`cannot deliver to ${job.data.to}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
  logger.info({ jobId: job.id, to: job.data.to }, 'email sent');
  return { sent: true };
}

const worker = new Worker<EmailJob>(queueName, traceProcessor(queueName, sendEmail), {
  connection: connection(),
  concurrency: 4,
});
const queue = new Queue(queueName, { connection: connection() });
const depth = observeBullmqQueue(queue);
worker.on('ready', () => process.stdout.write(`WORKER_READY queue=${queueName}\n`));
worker.on('failed', (job, error) => logger.warn({ jobId: job?.id, err: error }, 'job failed'));

closeOnSignal([
  () => worker.close(),
  async () => {
    depth.stop();
    await queue.close();
  },
]);
