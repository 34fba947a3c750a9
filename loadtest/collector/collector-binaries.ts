// Where build-collector.sh puts the Collector and telemetrygen (it prints the paths with --print).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = fileURLToPath(new URL('./build-collector.sh', import.meta.url));

export interface CollectorBinaries {
  otelcol: string;
  telemetrygen: string;
  /** The Collector release the manifest pins, e.g. `0.161.0`. */
  version: string;
}

/** The built binaries; throws naming the build command when they are not there yet. */
export function collectorBinaries(): CollectorBinaries {
  const printed = execFileSync('bash', [BUILD_SCRIPT, '--print'], { encoding: 'utf8' });
  const value = (key: string) => new RegExp(`^${key}=(.+)$`, 'm').exec(printed)?.[1]?.trim() ?? '';
  const otelcol = value('OTELCOL');
  const telemetrygen = value('TELEMETRYGEN');
  for (const binary of [otelcol, telemetrygen])
    if (!existsSync(binary)) throw new Error(`${binary} is missing: run loadtest/collector/build-collector.sh first`);
  const version = /otelcol-([\d.]+)\//.exec(otelcol)?.[1] ?? 'unknown';
  return { otelcol, telemetrygen, version };
}
