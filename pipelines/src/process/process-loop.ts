// The process role's main loop: drains the buffer through the pipeline graph until stopped,
// restarts the consumer's run when it fails or stalls, and reports its health.
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BatchHandler, BufferConsumer, DeadLetterSink } from '../buffer/buffer.ts';
import { createBatchHandler } from './batch-handler.ts';
import { startBlockedLoopGuard } from './blocked-loop-guard.ts';
import { ChunkSlots } from './chunk-slots.ts';
import { ConsumerRunner } from './consumer-runner.ts';
import { type ProcessLoopConfig, processLoopConfigSchema } from './config.ts';
import { CrashMarks } from './crash-marks.ts';
import { EmitRouter } from './emit-router.ts';
import type { PipelineGraph } from './pipeline-graph.ts';
import { type ProcessStats, ProcessTelemetry } from './process-telemetry.ts';
import { type DecodeFn, otlpRecordDecoder, wholeRecordDecoder } from './record-decoder.ts';
import { StallWatchdog } from './stall-watchdog.ts';

export interface StartProcessLoopOptions {
  consumer: BufferConsumer;
  deadLetters: DeadLetterSink;
  graph: PipelineGraph;
  logger: Logger;
  /** The gateway's meter; none: a no-op meter (the global API is not used: see component factories). */
  meter?: Meter;
  /** A whole-record decoder standing in for the OTLP codec's sliced decoding (tests). */
  decode?: DecodeFn;
  config?: z.input<typeof processLoopConfigSchema>;
}

export interface ProcessLoopHealth {
  /** False once stopped, while backing off after the consumer failed, or when a stalled run would not wind down. */
  running: boolean;
  /** When a batch last settled (committed or handed back for retry), ms since the epoch. */
  lastProgressAt: number | undefined;
  startedAt: number;
  /** Times the consumer's run was started again (after a failure or a stall). */
  restarts: number;
}

export interface ProcessLoop {
  /** For /readyz. */
  isRunning(): boolean;
  health(): ProcessLoopHealth;
  stats(): ProcessStats;
  /**
   * Stops consuming, waits (up to the grace period) for in-flight batches to settle and commit,
   * exports what processors emitted, then shuts processors and exporters down (exporters flush).
   * Uncommitted records are simply replayed on the next start.
   */
  stop(): Promise<void>;
}

/** Chunks decoded or in delivery at once (each an eighth of the in-flight limits; a slice waiting beside each). */
const CHUNK_SLOTS = 4;

/** Starts the exporters (`start()`), then consumes in the background until `stop()`. */
export async function startProcessLoop(options: StartProcessLoopOptions): Promise<ProcessLoop> {
  const config: ProcessLoopConfig = processLoopConfigSchema.parse(options.config ?? {});
  const logger = options.logger.child({ component: 'process-loop' });
  const telemetry = new ProcessTelemetry(options.meter, options.graph);
  const { consumer, graph } = options;
  await graph.start();
  const emits = new EmitRouter({ graph, telemetry, logger });

  const startedAt = Date.now();
  let lastProgressAt: number | undefined;
  const lastActivity = new Map<string, number>();
  const chunkLimits = {
    maxItems: Math.ceil(config.maxItemsInFlight / 8),
    maxBytes: Math.ceil(config.maxBytesInFlight / 8),
  };
  const marks = new CrashMarks(config.quarantine.maxCrashes > 0 ? config.quarantine.dir : undefined, logger);
  const noteExit = (code: number) => marks.noteExit(code);
  process.on('exit', noteExit);
  const { maxCrashes, hangTimeoutMs } = config.quarantine;
  const guard = marks.directory && maxCrashes > 0 ? startBlockedLoopGuard(marks.directory, hangTimeoutMs) : undefined;
  const inner = createBatchHandler({
    graph,
    decoder: options.decode ? wholeRecordDecoder(options.decode) : otlpRecordDecoder(chunkLimits),
    deadLetters: options.deadLetters,
    telemetry,
    logger,
    slots: new ChunkSlots(CHUNK_SLOTS),
    chunkLimits,
    marks,
    maxCrashes: config.quarantine.maxCrashes,
    hangTimeoutMs: config.quarantine.hangTimeoutMs,
  });
  const handler: BatchHandler = async (batch) => {
    const key = `${batch.signal}/${batch.partition}`;
    lastActivity.set(key, Date.now());
    try {
      await inner(batch);
    } finally {
      lastProgressAt = Date.now();
      lastActivity.set(key, lastProgressAt);
    }
  };

  const runner = new ConsumerRunner(consumer, handler, logger);
  const stopWatchdog = startWatchdog(config.watchdog, consumer, runner, lastActivity, telemetry, logger);

  let stopped: Promise<void> | undefined;
  return {
    isRunning: () => runner.state === 'consuming',
    health: () => ({ running: runner.state === 'consuming', lastProgressAt, startedAt, restarts: runner.restarts }),
    stats: () => telemetry.snapshot(),
    stop() {
      stopped ??= (async () => {
        stopWatchdog();
        if (!(await runner.stop(config.stopGracePeriodMs))) {
          logger.warn(
            { stopGracePeriodMs: config.stopGracePeriodMs },
            'in-flight batches did not settle within the grace period; they are replayed on the next start',
          );
        }
        await emits.close();
        await graph.shutdown();
        process.off('exit', noteExit);
        await guard?.stop();
      })();
      return stopped;
    },
  };
}

/** Every `checkIntervalMs`, restarts the consumer's run when a partition stalled (RELIABILITY.md #11). */
function startWatchdog(
  config: ProcessLoopConfig['watchdog'],
  consumer: BufferConsumer,
  runner: ConsumerRunner,
  lastActivity: Map<string, number>,
  telemetry: ProcessTelemetry,
  logger: Logger,
): () => void {
  if (config.checkIntervalMs === 0) return () => {};
  const watchdog = new StallWatchdog({
    stallTimeoutMs: config.stallTimeoutMs,
    lag: () => consumer.lag(),
    lastActivityAt: (key) => lastActivity.get(key),
  });
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || runner.state !== 'consuming') return;
    busy = true;
    try {
      const stalled = await watchdog.check();
      if (stalled.length === 0 || runner.state !== 'consuming') return;
      telemetry.watchdogRestart();
      logger.error(
        {
          partitions: stalled.map((entry) => ({
            signal: entry.signal,
            partition: entry.partition,
            committedOffset: entry.committedOffset.toString(),
            lag: entry.lag.toString(),
          })),
          stallTimeoutMs: config.stallTimeoutMs,
        },
        'partition has waiting records but made no progress; restarting the consumer run',
      );
      await runner.restart(config.restartTimeoutMs);
    } catch (error) {
      logger.warn({ err: error }, 'watchdog check failed');
    } finally {
      busy = false;
    }
  }, config.checkIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
