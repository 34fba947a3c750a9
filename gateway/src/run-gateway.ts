import type { GatewayConfig } from './config/schema.ts';
import { startGateway } from './gateway.ts';
import { createLogger } from './telemetry/logger.ts';

/** `otelgate start`: runs until SIGTERM/SIGINT, then shuts down within the grace period. Resolves to the exit code. */
export async function runGateway(config: GatewayConfig, options: { configPath?: string } = {}): Promise<number> {
  const logger = createLogger(config.log);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config, logger, options);
  } catch (error) {
    // A listener that cannot bind (or a buffer that cannot open) ends the process: never half-started.
    logger.fatal({ err: error }, `cannot start: ${(error as Error).message}`);
    logger.flush();
    throw new Error(`cannot start: ${(error as Error).message}`, { cause: error });
  }
  logger.info({ role: config.service.role, ports: gateway.ports }, 'otelgate ready');
  const reloadOnHangup = () => void gateway.reloader.reload('SIGHUP');
  process.on('SIGHUP', reloadOnHangup);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.off('SIGHUP', reloadOnHangup);
  process.on('SIGHUP', () => logger.warn('SIGHUP ignored: shutting down'));
  const graceMs = config.service.shutdownGracePeriodSeconds * 1000;
  logger.info({ signal, graceMs }, 'shutting down: no new requests; finishing in-flight work');
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), graceMs);
  });
  const outcome = await Promise.race([gateway.stop().then(() => 'stopped' as const), expired]);
  clearTimeout(timer);
  if (outcome === 'expired') {
    logger.error(
      { graceMs },
      'shutdown grace period expired; exiting with work unfinished (uncommitted data is replayed on restart)',
    );
    return 1;
  }
  logger.info('stopped cleanly');
  logger.flush();
  return 0;
}
