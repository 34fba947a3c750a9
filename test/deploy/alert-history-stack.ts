// A real Prometheus evaluating given rules, a real Alertmanager running our alertmanager.yml
// (rendered from .env.example values, the history webhook pointed at the gateway) and a real
// gateway with receivers.alertmanager writing to the real Elasticsearch: the alert history path
// of the compose stack, for tests and the alert-history benchmark.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { envExample, repoPath } from './deploy-paths.ts';
import { runTool } from './run-tool.ts';

export const ES_URL = process.env.ES_URL ?? 'http://127.0.0.1:19200';
export const HISTORY_TOKEN = 'alert-history-token-0123456789';
export const ADMIN_TOKEN = 'alert-history-admin-0123456789';

export interface AlertHistoryStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  gateway: GatewayProcess;
  /** Index prefix of this stack's gateway: the history is in `<prefix>-alerts-*`. */
  prefix: string;
  stop(): Promise<void>;
}

export interface HistoryDocument {
  '@timestamp': string;
  'event.name': string;
  body: string;
  attributes: Record<string, unknown>;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The history documents of an alert name, oldest first. */
export async function historyOf(prefix: string, alertname: string): Promise<HistoryDocument[]> {
  const response = await fetch(`${ES_URL}/${prefix}-alerts-*/_search?size=200&ignore_unavailable=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { term: { 'attributes.alert.name': alertname } }, sort: [{ '@timestamp': 'asc' }] }),
  });
  if (!response.ok) return [];
  const body = (await response.json()) as { hits: { hits: { _source: HistoryDocument }[] } };
  return body.hits.hits.map((h) => h._source);
}

export async function startAlertHistoryStack(options: {
  rules: string;
  escalationAfter?: string;
  /** Where the critical and escalation webhooks go (defaults to a closed port). */
  webhookUrl?: string;
}): Promise<AlertHistoryStack> {
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-alert-history-'));
  const children: ChildProcess[] = [];
  const prefix = `alerts${randomUUID().slice(0, 8)}`;
  const historyPort = await freePort();
  const alertmanagerPort = await freePort();
  const alertmanagerUrl = `http://127.0.0.1:${alertmanagerPort}`;
  const gateway = await startGatewayProcess({
    config: {
      receivers: {
        alertmanager: { endpoint: `127.0.0.1:${historyPort}`, token: HISTORY_TOKEN, alertmanagerUrl },
      },
      exporters: {
        elasticsearch: { nodes: [ES_URL], indexPrefix: prefix, numberOfReplicas: 0, retentionDays: 0 },
      },
      pipelines: { logs: { processors: [], exporters: ['elasticsearch'] } },
      admin: { token: ADMIN_TOKEN },
    },
  });
  const start = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    children.push(child);
  };
  const stop = async () => {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await gateway.kill('SIGTERM');
    await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const rendered = await runTool('sh', [repoPath('deploy/alertmanager/entrypoint.sh'), '--render-only'], {
      env: {
        PATH: process.env.PATH,
        ...envExample(),
        ALERT_WEBHOOK_URL: options.webhookUrl ?? 'http://127.0.0.1:9/unreachable',
        ALERT_HISTORY_URL: `http://127.0.0.1:${historyPort}/alertmanager`,
        ALERT_HISTORY_TOKEN: HISTORY_TOKEN,
        ALERT_ESCALATION_AFTER: options.escalationAfter ?? '10m',
        ALERTMANAGER_TEMPLATE: repoPath('deploy/alertmanager/alertmanager.yml'),
        ALERTMANAGER_RUNTIME_DIR: join(dir, 'alertmanager-runtime'),
      },
    });
    if (rendered.code !== 0) throw new Error(`alertmanager.yml did not render: ${rendered.stderr}`);
    start('prometheus-alertmanager', [
      `--config.file=${rendered.stdout.trim()}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
      '--cluster.listen-address=',
    ]);
    writeFileSync(join(dir, 'rules.yml'), options.rules);
    const prometheusPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:
  evaluation_interval: 1s
  external_labels: { stack: alert-history }
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${alertmanagerPort}']
`,
    );
    start('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
      '--rules.alert.resend-delay=1s',
    ]);
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    await waitFor(
      'Alertmanager ready',
      async () => ((await fetch(`${alertmanagerUrl}/-/ready`)).ok ? true : undefined),
      60_000,
    );
    await waitFor(
      'Prometheus ready',
      async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined),
      60_000,
    );
    return { prometheusUrl, alertmanagerUrl, gateway, prefix, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
