// The escalation and history routes of alertmanager.yml, checked with amtool on the file rendered
// from .env.example: every alert reaches the history; critical alerts reach the critical receiver
// at once and the escalation receiver after ALERT_ESCALATION_AFTER (one group per alert).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { envExample, repoPath } from './deploy-paths.ts';
import { runTool } from './run-tool.ts';

const runtime = mkdtempSync(join(tmpdir(), 'otelgate-escalation-'));

afterAll(() => rmSync(runtime, { recursive: true, force: true }));

async function renderWith(overrides: Record<string, string>): Promise<string> {
  const rendered = await runTool('sh', [repoPath('deploy/alertmanager/entrypoint.sh'), '--render-only'], {
    env: {
      PATH: process.env.PATH,
      ...envExample(),
      ...overrides,
      ALERTMANAGER_TEMPLATE: repoPath('deploy/alertmanager/alertmanager.yml'),
      ALERTMANAGER_RUNTIME_DIR: runtime,
    },
  });
  expect(rendered.code, rendered.stderr).toBe(0);
  return rendered.stdout.trim();
}

describe('alert history and escalation routes (amtool config routes test)', () => {
  it.each([
    [['severity=critical', 'alertname=OtelgateDown', 'instance=gw-1'], 'history,critical,escalation'],
    [
      ['severity=critical', 'alertname=ElasticsearchClusterRed', 'component=elasticsearch'],
      'history,critical,escalation',
    ],
    [['severity=warning', 'alertname=OtelgateBufferFilling'], 'history,warnings'],
    [['severity=info', 'alertname=Informational'], 'history,warnings'],
    [['alertname=NoSeverity'], 'history,warnings'],
  ])('routes %j to %s', async (labels, receivers) => {
    const file = await renderWith({});
    const verified = await runTool('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${file}`,
      `--verify.receivers=${receivers}`,
      ...labels,
    ]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });

  it('holds the escalation of each critical alert for ALERT_ESCALATION_AFTER and sends history at once', async () => {
    const file = await renderWith({ ALERT_ESCALATION_AFTER: '7m' });
    const config = parse(readFileSync(file, 'utf8')) as {
      route: { routes: { receiver: string; group_by?: string[]; group_wait?: string; continue?: boolean }[] };
      receivers: { name: string; webhook_configs?: { url: string }[] }[];
    };
    const routes = config.route.routes;
    expect(routes[0]).toMatchObject({ receiver: 'history', group_by: ['...'], group_wait: '0s', continue: true });
    const critical = routes.find((r) => r.receiver === 'critical');
    expect(critical?.continue).toBe(true);
    expect(routes.find((r) => r.receiver === 'escalation')).toMatchObject({ group_by: ['...'], group_wait: '7m' });
    const history = config.receivers.find((r) => r.name === 'history');
    expect(history?.webhook_configs?.[0].url).toBe(envExample().ALERT_HISTORY_URL);
    const check = await runTool('amtool', ['check-config', file]);
    expect(check.code, check.stderr + check.stdout).toBe(0);
  });
});
