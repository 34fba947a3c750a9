// `SIGHUP` and `POST /reload`: re-read the config file, validate it whole, apply in place what can
// change in a running process (processors, exporters, pipelines, admin token and tap settings),
// and say in the log what needs a restart. A config that does not validate or build changes
// nothing: the running one stays, and the reason is logged and kept for /status.
import type { Meter } from '@opentelemetry/api';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import type { Logger } from 'pino';
import { loadConfigFile } from '../config/load-config.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { pipelinesChanged, restartOnlyChanges } from './config-diff.ts';
import type { PipelineSwitch } from './pipeline-switch.ts';
import { declareReloadMetrics } from './reload-metrics.ts';

export type ReloadTrigger = 'SIGHUP' | 'POST /reload';

export interface ReloadResult {
  outcome: 'applied' | 'refused';
  /** Why it was refused. */
  error?: string;
  /** Refused for a passing reason (batches did not settle): the same reload may work later. */
  retryable?: boolean;
  /** Config parts that changed but need a restart (the running values stay). */
  restartNeeded: string[];
  /** Whether the pipeline graph was rebuilt (processors and exporters re-created). */
  pipelinesRebuilt: boolean;
}

/** What /status shows about reloads. */
export interface ReloadState {
  /** Reloads applied since start. */
  applied: number;
  /** Reloads refused since start. */
  refused: number;
  last?: ReloadResult & { trigger: ReloadTrigger; at: string };
  /** Restart-only parts of the file that differ from what runs, as of the last reload. */
  restartNeeded: string[];
}

export interface ReloaderOptions {
  /** The file the gateway started from; without it there is nothing to re-read. */
  configPath: string | undefined;
  /** The running config; the parts a reload applies are replaced in this object. */
  config: GatewayConfig;
  /** Applies new pipeline sections to the process loop; absent when this process runs no pipelines. */
  switchPipelines?: PipelineSwitch;
  logger: Logger;
  /** For `otelgate_config_reloads_total` and `otelgate_config_last_reload_successful`. */
  meter: Meter;
}

export interface Reloader {
  reload(trigger: ReloadTrigger): Promise<ReloadResult>;
  state(): ReloadState;
  /** The gateway is stopping: waits for a reload under way; later ones are refused. */
  close(): Promise<void>;
}

export function createReloader(options: ReloaderOptions): Reloader {
  const { config, logger } = options;
  const state: ReloadState = { applied: 0, refused: 0, restartNeeded: [] };
  const metrics = declareReloadMetrics(options.meter);
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function reloadOnce(trigger: ReloadTrigger): Promise<ReloadResult> {
    logger.info({ trigger, configPath: options.configPath }, 'reloading the config');
    let result: ReloadResult;
    try {
      result = await apply();
      state.applied++;
      metrics.record('applied');
      logger.info(
        { trigger, restartNeeded: result.restartNeeded, pipelinesRebuilt: result.pipelinesRebuilt },
        'config reloaded',
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = {
        outcome: 'refused',
        error: message,
        retryable: error instanceof OtelgateError && error.retryable,
        restartNeeded: state.restartNeeded,
        pipelinesRebuilt: false,
      };
      state.refused++;
      metrics.record('refused');
      logger.error({ trigger, reason: message }, 'config reload refused; the running config stays');
    }
    state.last = { ...result, trigger, at: new Date().toISOString() };
    return result;
  }

  async function apply(): Promise<ReloadResult> {
    if (closed) throw new OtelgateError('unavailable', 'the gateway is stopping');
    if (!options.configPath)
      throw new OtelgateError(
        'invalid-argument',
        'the gateway was started without --config: there is no file to re-read',
      );
    const next = await loadConfigFile(options.configPath);
    // `--role` on the command line wins over the file, as at start.
    next.service.role = config.service.role;
    const restartNeeded = restartOnlyChanges(config, next);
    let pipelinesRebuilt = false;
    if (options.switchPipelines) {
      // Rebuilt even when the sections are unchanged: files they name (a GeoIP database) are re-read.
      await options.switchPipelines({
        pipelines: next.pipelines,
        processors: next.processors,
        exporters: next.exporters,
      });
      pipelinesRebuilt = true;
    } else if (pipelinesChanged(config, next)) {
      logger.info('processors, exporters and pipelines changed; this process runs no pipelines (role ingest)');
    }
    config.processors = next.processors;
    config.exporters = next.exporters;
    config.pipelines = next.pipelines;
    config.admin.token = next.admin.token;
    config.admin.tap = next.admin.tap;
    for (const path of restartNeeded) {
      logger.warn({ path }, `${path} changed in the config file; it takes effect after a restart`);
    }
    state.restartNeeded = restartNeeded;
    return { outcome: 'applied', restartNeeded, pipelinesRebuilt };
  }

  return {
    reload(trigger) {
      // One at a time, in order.
      const run = queue.then(() => reloadOnce(trigger));
      queue = run.catch(() => undefined);
      return run;
    },
    state: () => structuredClone(state),
    async close() {
      closed = true;
      await queue;
    },
  };
}
