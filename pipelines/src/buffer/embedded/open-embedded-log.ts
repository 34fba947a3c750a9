// The embedded log's factory: opens (and recovers) every partition under `config.dir`.
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { SIGNALS, type Signal } from '../../model/common.ts';
import type { BufferConsumer, BufferProducer } from '../buffer.ts';
import { type EmbeddedLogConfig, embeddedLogConfigSchema } from './config.ts';
import { DeadLetterLog } from './dead-letter-log.ts';
import { lockDirectory } from './dir-lock.ts';
import { DiskGuard } from './disk-guard.ts';
import { EmbeddedConsumer } from './embedded-consumer.ts';
import { EmbeddedProducer } from './embedded-producer.ts';
import { type EmbeddedLogStats, newCounters } from './log-stats.ts';
import { OffsetStore } from './offset-store.ts';
import { PartitionLog, type PartitionLogOptions } from './partition-log.ts';
import { Retention } from './retention.ts';
import { makeDurableDirectory } from './sync-directory.ts';
import { nodeSegmentIo, type SegmentIo } from './segment-io.ts';

export interface EmbeddedLogOptions {
  logger: Logger;
  /** Only for tests that inject faults into writes and syncs. */
  io?: SegmentIo;
  /** Only for tests that simulate a small disk: free bytes instead of statfs readings. */
  freeBytes?: (dir: string) => Promise<number>;
}

export interface EmbeddedLog {
  producer: BufferProducer;
  /** The consumer of `group`; its committed offsets are kept across restarts, and retention waits for it. */
  consumer(group: string): BufferConsumer;
  deadLetters: DeadLetterLog;
  /** Counters and sizes, as plain numbers (metrics.ts exposes them as OpenTelemetry instruments). */
  stats(): EmbeddedLogStats;
  /**
   * Forgets a consumer group that is gone for good (deletes its committed offsets), so retention
   * stops waiting for it. False if unknown or consuming in this process.
   */
  forgetGroup(group: string): Promise<boolean>;
  /** Runs retention now (it also runs on a timer); resolves with the number of segments deleted. */
  runRetention(): Promise<number>;
  close(): Promise<void>;
}

export async function openEmbeddedLog(
  input: z.input<typeof embeddedLogConfigSchema> | EmbeddedLogConfig,
  options: EmbeddedLogOptions,
): Promise<EmbeddedLog> {
  const config = embeddedLogConfigSchema.parse(input);
  const dir = resolve(config.dir);
  const logger = options.logger.child({ component: 'embedded-log' });
  await makeDurableDirectory(dir);
  const unlock = await lockDirectory(dir);
  const counters = newCounters();
  const partitionOptions: PartitionLogOptions = {
    segmentBytes: config.segmentBytes,
    maxRecordBytes: config.maxRecordBytes,
    fsync: config.fsync,
    io: options.io ?? nodeSegmentIo,
    logger,
    counters,
  };
  const opened: PartitionLog[] = [];
  try {
    const logs = new Map<Signal, PartitionLog>();
    for (const signal of SIGNALS) {
      const log = await PartitionLog.open(signal, join(dir, signal), partitionOptions);
      opened.push(log);
      logs.set(signal, log);
    }
    const deadLetterPartition = await PartitionLog.open('deadletter', join(dir, 'deadletter'), partitionOptions);
    opened.push(deadLetterPartition);
    const offsets = await OffsetStore.open(join(dir, 'consumer-offsets'), logger);
    const retention = new Retention(logs, deadLetterPartition, offsets, config, logger);
    const disk = new DiskGuard({
      dir,
      minFreeBytes: config.disk.minFreeBytes,
      intervalMs: config.disk.checkIntervalMs,
      logger,
      reclaim: () => retention.reclaim(),
      freeBytes: options.freeBytes,
    });
    await disk.start();
    retention.start();
    const producer = new EmbeddedProducer({
      logs,
      disk,
      retention,
      maxBytes: config.maxBytes,
      maxRecordBytes: config.maxRecordBytes,
      counters,
    });
    const consumers = new Map<string, EmbeddedConsumer>();
    const deadLetters = new DeadLetterLog(deadLetterPartition, disk, counters);
    logger.info(
      Object.fromEntries([...logs].map(([signal, log]) => [signal, `${log.startOffset}..${log.endOffset}`])),
      `embedded log open at ${dir}`,
    );
    let closed = false;

    return {
      producer,
      consumer(group) {
        let consumer = consumers.get(group);
        if (!consumer) {
          consumer = new EmbeddedConsumer({ group, logs, offsets, config, logger });
          consumers.set(group, consumer);
        }
        return consumer;
      },
      deadLetters,
      stats: () => ({
        ...counters,
        refusedAppends: { ...counters.refusedAppends },
        signals: Object.fromEntries(
          [...logs].map(([signal, log]) => [signal, log.stats()]),
        ) as EmbeddedLogStats['signals'],
        deadLetter: deadLetterPartition.stats(),
        writable: producer.isWritable(),
      }),
      forgetGroup: (group) => offsets.remove(group),
      runRetention: () => retention.run(),
      async close() {
        if (closed) return;
        closed = true;
        await producer.close();
        retention.stop();
        disk.stop();
        for (const log of opened) await log.close();
        await unlock();
      },
    };
  } catch (error) {
    for (const log of opened) await log.close();
    await unlock();
    throw error;
  }
}
