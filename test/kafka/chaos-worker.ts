// A worker for the SIGKILL test: consumes with KafkaConsumer and records every delivered id in a
// file (written and fdatasynced before the batch is settled), like an exporter that confirms
// only what is durable. Usage: node chaos-worker.ts '<buffer.kafka config JSON>' <output file>
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { KafkaConsumer } from '@otelgate/pipelines/buffer/kafka/kafka-consumer.ts';
import { kafkaBufferConfigSchema } from '@otelgate/pipelines/buffer/kafka/config.ts';
import pino from 'pino';

const config = kafkaBufferConfigSchema.parse(JSON.parse(process.argv[2]));
const fd = openSync(process.argv[3], 'a');
const consumer = new KafkaConsumer(config, pino({ level: 'warn' }, pino.destination(2)));
const abort = new AbortController();
process.on('SIGTERM', () => abort.abort());
await consumer.run(async (batch) => {
  // A little work per batch, so kills land inside batches too.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  writeSync(fd, `${batch.records.map((r) => r.headers.id).join('\n')}\n`);
  fdatasyncSync(fd);
}, abort.signal);
await consumer.close();
closeSync(fd);
