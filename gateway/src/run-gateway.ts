import type { GatewayConfig } from './config/schema.ts';
import { startGateway } from './gateway.ts';
import { createLogger } from './telemetry/logger.ts';

/** `otelgate start`: runs until SIGTERM/SIGINT, then shuts down within the grace period. Resolves to the exit code. */
export async function runGateway(config: GatewayConfig): Promise<number> {
  const logger = createLogger(config.log);
  const gateway = await startGateway(config, logger);
  logger.info({ role: config.service.role, ports: gateway.ports }, 'otelgate ready');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
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
