import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../support/free-port.ts';
import { repoPath } from './deploy-paths.ts';
import { dashboardExpressions, resolveVariables } from './grafana-expressions.ts';
import { instantQuery } from './prometheus-service.ts';
import { sharedServiceValue } from './shared-service.ts';

// The infrastructure, PostgreSQL and Redis dashboards on live data: the Debian node, postgres
// and redis exporters watch this machine and the shared test PostgreSQL and Redis, a private
// Prometheus scrapes them under the job names deploy/prometheus/prometheus.yml uses, and every
// panel must return series, except those listed below with the reason they stay empty here.

const dir = mkdtempSync(join(tmpdir(), 'otelgate-dashboards-exporters-'));
const children: ChildProcess[] = [];
let prometheusUrl: string;

/** Panels that can be empty on a healthy test machine, and why. */
const mayBeEmpty: Record<string, RegExp> = {
  // The test Redis runs without maxmemory (0 = unlimited); the panels divide by it or filter `> 0`.
  'redis maxmemory unset': /redis_memory_max_bytes/,
};

function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  children.push(spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } }));
}

async function seriesCount(expr: string): Promise<number> {
  const result = await instantQuery(prometheusUrl, expr);
  if (result.status !== 'success') throw new Error(`${result.error}: ${expr}`);
  return result.data?.result.length ?? 0;
}

beforeAll(async () => {
  const pgUrl = sharedServiceValue('postgres', 'PG_URL');
  const redisUrl = sharedServiceValue('redis', 'REDIS_URL');
  const ports = {
    node: await freePort(),
    postgres: await freePort(),
    redis: await freePort(),
    prometheus: await freePort(),
  };
  start('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${ports.node}`]);
  start('prometheus-postgres-exporter', [`--web.listen-address=127.0.0.1:${ports.postgres}`], {
    DATA_SOURCE_NAME: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}sslmode=disable`,
  });
  start('prometheus-redis-exporter', [`-redis.addr=${redisUrl}`, `-web.listen-address=127.0.0.1:${ports.redis}`]);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - { job_name: node, static_configs: [{ targets: ['127.0.0.1:${ports.node}'] }] }
  - { job_name: postgres, static_configs: [{ targets: ['127.0.0.1:${ports.postgres}'] }] }
  - { job_name: redis, static_configs: [{ targets: ['127.0.0.1:${ports.redis}'] }] }
`,
  );
  prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
  start('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${ports.prometheus}`,
  ]);
  const deadline = Date.now() + 90_000;
  // Every target up for a few scrapes, so that rates have samples to work on.
  while ((await seriesCount('min_over_time(up[10s]) == 1 and count_over_time(up[10s]) >= 4').catch(() => 0)) < 3) {
    if (Date.now() > deadline) throw new Error('exporters not scraped within 90 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(await seriesCount('pg_up == 1')).toBe(1);
  expect(await seriesCount('redis_up == 1')).toBe(1);
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe('infrastructure, PostgreSQL and Redis dashboards on live exporter data', () => {
  for (const dashboard of ['infrastructure', 'postgresql', 'redis']) {
    it(`returns series for every ${dashboard} panel and variable`, async () => {
      const expressions = dashboardExpressions().filter((e) => e.dashboard === dashboard);
      expect(expressions.length).toBeGreaterThan(5);
      const empty: string[] = [];
      for (const { where, expr } of expressions) {
        if ((await seriesCount(resolveVariables(expr))) > 0) continue;
        if (Object.values(mayBeEmpty).some((pattern) => pattern.test(expr))) continue;
        empty.push(`${where}: ${expr}`);
      }
      expect(empty).toEqual([]);
    });
  }
});

describe('host, PostgreSQL and Redis alert rules on the same live data', () => {
  const rules = (file: string) =>
    (
      parse(readFileSync(repoPath(`deploy/prometheus/rules/${file}`), 'utf8')) as {
        groups: { rules: { alert: string; expr: string }[] }[];
      }
    ).groups.flatMap((g) => g.rules);

  it('evaluates every rule expression, and the availability and saturation alerts stay quiet on healthy servers', async () => {
    const quiet = [
      'PostgresDown',
      'PostgresTooManyConnections',
      'RedisDown',
      'RedisMemoryHigh',
      'RedisRejectedConnections',
    ];
    for (const rule of [...rules('hosts.yml'), ...rules('postgres.yml'), ...rules('redis.yml')]) {
      const count = await seriesCount(rule.expr);
      if (quiet.includes(rule.alert)) expect(count, rule.alert).toBe(0);
    }
    // The expressions that must stay quiet do see the series they judge.
    expect(
      await seriesCount('sum by (instance) (pg_stat_activity_count) / sum by (instance) (pg_settings_max_connections)'),
    ).toBe(1);
    expect(await seriesCount('increase(redis_rejected_connections_total[5m])')).toBe(1);
  });
});
