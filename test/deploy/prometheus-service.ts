import { execFileSync } from 'node:child_process';
import { repoPath } from './deploy-paths.ts';

/**
 * The URL of the shared test Prometheus: PROMETHEUS_URL from test/global-setup.ts, or, when the
 * suite runs alone without it, whatever `test/services/prometheus start` (idempotent) prints.
 */
export function sharedPrometheusUrl(): string {
  if (process.env.PROMETHEUS_URL) return process.env.PROMETHEUS_URL;
  // `status` first: it answers without waiting for the script's lock.
  const output = runScript('status') ?? runScript('start') ?? '';
  const match = /^PROMETHEUS_URL=(.*)$/m.exec(output);
  if (!match) throw new Error(`test/services/prometheus printed no PROMETHEUS_URL: ${output}`);
  process.env.PROMETHEUS_URL = match[1];
  return match[1];
}

function runScript(command: 'status' | 'start'): string | undefined {
  try {
    return execFileSync('bash', [repoPath('test/services/prometheus'), command], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 120_000,
    });
  } catch (error) {
    if (command === 'start') throw error;
    return undefined;
  }
}

export interface QueryResult {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

/** An instant PromQL query through /api/v1/query (POST, so long expressions are fine). */
export async function instantQuery(url: string, expr: string): Promise<QueryResult> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr }),
  });
  return (await response.json()) as QueryResult;
}
