import { execFileSync } from 'node:child_process';
import { repoPath } from './deploy-paths.ts';

/**
 * A value a shared test service exports (PROMETHEUS_URL, ES_URL, PG_URL, ...): from the
 * environment test/global-setup.ts filled, or, when a suite runs alone, from what
 * `test/services/<script> status` (or `start`, idempotent) prints.
 */
export function sharedServiceValue(script: string, key: string): string {
  const known = process.env[key];
  if (known) return known;
  const output = runScript(script, 'status') ?? runScript(script, 'start') ?? '';
  const match = new RegExp(`^${key}=(.*)$`, 'm').exec(output);
  if (!match) throw new Error(`test/services/${script} printed no ${key}: ${output}`);
  process.env[key] = match[1];
  return match[1];
}

function runScript(script: string, command: 'status' | 'start'): string | undefined {
  try {
    // `status` first: it answers without waiting for the script's lock.
    return execFileSync('bash', [repoPath(`test/services/${script}`), command], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 300_000,
    });
  } catch (error) {
    if (command === 'start') throw error;
    return undefined;
  }
}
