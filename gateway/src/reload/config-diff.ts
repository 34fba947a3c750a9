import { isDeepStrictEqual } from 'node:util';
import type { GatewayConfig } from '../config/schema.ts';

/** Parts of the config a reload cannot change in a running process: each needs a restart. */
const RESTART_ONLY: readonly { path: string; pick: (config: GatewayConfig) => unknown }[] = [
  { path: 'receivers', pick: (config) => config.receivers },
  { path: 'auth', pick: (config) => config.auth },
  { path: 'buffer', pick: (config) => config.buffer },
  { path: 'limits', pick: (config) => config.limits },
  { path: 'process', pick: (config) => config.process },
  { path: 'service', pick: (config) => config.service },
  { path: 'log', pick: (config) => config.log },
  { path: 'admin.endpoint', pick: (config) => config.admin.endpoint },
  { path: 'admin.readinessCacheMs', pick: (config) => config.admin.readinessCacheMs },
];

/** The restart-only parts that differ between the running config and the new one. */
export function restartOnlyChanges(running: GatewayConfig, next: GatewayConfig): string[] {
  return RESTART_ONLY.filter(({ pick }) => !isDeepStrictEqual(pick(running), pick(next))).map(({ path }) => path);
}

/** Whether the parts a reload applies in place differ. */
export function pipelinesChanged(running: GatewayConfig, next: GatewayConfig): boolean {
  return (
    !isDeepStrictEqual(running.processors, next.processors) ||
    !isDeepStrictEqual(running.exporters, next.exporters) ||
    !isDeepStrictEqual(running.pipelines, next.pipelines)
  );
}
