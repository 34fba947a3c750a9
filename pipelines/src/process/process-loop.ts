// The process role's main loop: drains the buffer through the pipeline graph until stopped,
// restarts the consumer's run when it fails or stalls, and reports its health.
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BatchHandler, BufferConsumer, DeadLetterSink } from '../buffer/buffer.ts';
import { createBatchHandler } from './batch-handler.ts';
import { startBlockedLoopGuard } from './blocked-loop-guard.ts';
import { ChunkSlots } from './chunk-slots.ts';
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
  /** Defaults to the global meter `otelgate`. */
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

const RUN_RETRY_INITIAL_MS = 1_000;
const RUN_RETRY_MAX_MS = 30_000;

/** Starts the exporters (`start()`), then consumes in the background until `stop()`. */
export async function startProcessLoop(options: StartProcessLoopOptions): Promise<ProcessLoop> {
  const config: ProcessLoopConfig = processLoopConfigSchema.parse(options.config ?? {});
  const logger = options.logger.child({ component: 'process-loop' });
  const telemetry = new ProcessTelemetry(options.meter, options.graph);
  const { consumer, graph } = options;
  const emits = new EmitRouter({ graph, telemetry, logger, maxPending: config.maxPendingEmits });
  graph.setEmitHandler(emits.handle);
  await graph.start();

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
  const { dir: marksDir, maxCrashes, hangTimeoutMs } = config.quarantine;
  const guard = marksDir && maxCrashes > 0 ? startBlockedLoopGuard(marksDir, hangTimeoutMs) : undefined;
  const inner = createBatchHandler({
    graph,
    decoder: options.decode ? wholeRecordDecoder(options.decode) : otlpRecordDecoder(chunkLimits),
    deadLetters: options.deadLetters,
    emits,
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

  let stopping = false;
  let backingOff = false;
  let hung = false;
  let restarts = 0;
  let runAbort = new AbortController();
  let currentRun: Promise<void> = Promise.resolve();
  const stopAbort = new AbortController();

  const runLoop = async () => {
    let retryMs = RUN_RETRY_INITIAL_MS;
    for (let first = true; !stopping; first = false) {
      if (!first) restarts++;
      runAbort = new AbortController();
      currentRun = consumer.run(handler, runAbort.signal);
      try {
        await currentRun;
        hung = false;
        if (stopping) break;
        // Returned on its own (not aborted by the watchdog): do not spin.
        if (!runAbort.signal.aborted) throw new Error('consumer run returned before it was asked to stop');
        retryMs = RUN_RETRY_INITIAL_MS;
      } catch (error) {
        hung = false;
        if (stopping) break;
        logger.error({ err: error, retryMs }, 'consumer run failed; starting it again after a pause');
        backingOff = true;
        await sleep(retryMs, stopAbort.signal);
        backingOff = false;
        retryMs = Math.min(retryMs * 2, RUN_RETRY_MAX_MS);
      }
    }
  };
  const loopDone = runLoop();

  const watchdog = new StallWatchdog({
    stallTimeoutMs: config.watchdog.stallTimeoutMs,
    lag: () => consumer.lag(),
    lastActivityAt: (key) => lastActivity.get(key),
  });
  let watchdogBusy = false;
  const watchdogTimer =
    config.watchdog.checkIntervalMs > 0
      ? setInterval(async () => {
          if (watchdogBusy || stopping || hung) return;
          watchdogBusy = true;
          try {
            const stalled = await watchdog.check();
            if (stalled.length > 0 && !stopping) await restartStalledRun(stalled);
          } catch (error) {
            logger.warn({ err: error }, 'watchdog check failed');
          } finally {
            watchdogBusy = false;
          }
        }, config.watchdog.checkIntervalMs)
      : undefined;
  watchdogTimer?.unref();

  async function restartStalledRun(stalled: Awaited<ReturnType<StallWatchdog['check']>>): Promise<void> {
    telemetry.watchdogRestart();
    logger.error(
      {
        partitions: stalled.map((entry) => ({
          signal: entry.signal,
          partition: entry.partition,
          committedOffset: entry.committedOffset.toString(),
          lag: entry.lag.toString(),
        })),
        stallTimeoutMs: config.watchdog.stallTimeoutMs,
      },
      'partition has waiting records but made no progress; restarting the consumer run',
    );
    const run = currentRun;
    runAbort.abort();
    const wound = await settlesWithin(run, config.watchdog.restartTimeoutMs);
    if (!wound) {
      hung = true;
      logger.error(
        { restartTimeoutMs: config.watchdog.restartTimeoutMs },
        'stalled consumer run did not wind down; reporting not ready',
      );
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    isRunning: () => !stopping && !backingOff && !hung,
    health: () => ({ running: !stopping && !backingOff && !hung, lastProgressAt, startedAt, restarts }),
    stats: () => telemetry.snapshot(),
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(watchdogTimer);
        stopAbort.abort();
        runAbort.abort();
        const settled = await settlesWithin(loopDone, config.stopGracePeriodMs);
        if (!settled) {
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

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  const result = await Promise.race([settled, expired]);
  clearTimeout(timer);
  return result;
}

function sleep(ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abort.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      abort.removeEventListener('abort', done);
      resolve();
    }
    abort.addEventListener('abort', done, { once: true });
  });
}
