// Builds the filelog receiver from its validated config and the gateway's context.
import { join } from 'node:path';
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { RE2JS } from 're2js';
import type { SubmitLogs } from '../logs/submit-logs.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import type { FilelogConfig } from './config.ts';
import { FilelogReceiver } from './filelog-receiver.ts';
import { declareFilelogMetrics } from './metrics.ts';
import { createRecordBuilder } from './record-builder.ts';

export interface LogReceiverContext {
  logger: Logger;
  meter: Meter;
  /** The gateway's data directory (buffer.embedded.dir). */
  dataDir: string;
  submit: SubmitLogs;
}

export function createFilelogReceiver(config: FilelogConfig, context: LogReceiverContext): FilelogReceiver {
  const logger = context.logger.child({ component: 'filelog' });
  let receiver: FilelogReceiver | undefined;
  const metrics = declareFilelogMetrics(context.meter, () => receiver?.openFiles ?? 0);
  receiver = new FilelogReceiver({
    config,
    shared: {
      config,
      lineStart: config.multiline ? RE2JS.compile(config.multiline.lineStartPattern) : undefined,
      build: createRecordBuilder(config),
      metrics,
      readBuffer: Buffer.allocUnsafe(config.maxLogSizeBytes + 1),
      onTruncated: (before) => receiver?.noteTruncated(before),
    },
    checkpoints: new CheckpointStore(config.storageDir ?? join(context.dataDir, 'receivers', 'filelog')),
    submit: context.submit,
    logger,
  });
  return receiver;
}
