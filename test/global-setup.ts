import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVICES } from './services/services.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Starts every selected service once per run and exports what the suites need to reach it. */
export default function setup(): void {
  const wanted = process.env.OTELGATE_SERVICES?.split(',').map((s) => s.trim());
  for (const service of SERVICES) {
    if (wanted && !wanted.includes(service.name)) continue;
    const output = execFileSync('bash', [`${here}services/${service.script}`, 'start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000,
    });
    for (const line of output.split('\n')) {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
      if (match) process.env[match[1]] = match[2];
    }
  }
}
