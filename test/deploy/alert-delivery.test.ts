import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { envExample, repoPath } from './deploy-paths.ts';
import { runTool } from './run-tool.ts';

// A real Prometheus evaluates a rule that fires at once and sends it to a real Alertmanager
// running our alertmanager.yml (rendered by its entrypoint from .env.example values, with the
// generic webhook pointed at an HTTP server in this test). Email and Slack cannot be reached
// from here; the webhook is the receiver we can watch.

interface Delivery {
  headers: IncomingHttpHeaders;
  body: {
    receiver: string;
    status: string;
    alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  };
}

const dir = mkdtempSync(join(tmpdir(), 'otelgate-alert-delivery-'));
const children: ChildProcess[] = [];
const deliveries: Delivery[] = [];
let webhook: Server;
let prometheusUrl: string;
let alertmanagerUrl: string;
const env = envExample();

function start(command: string, args: string[], name: string): void {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`${name} exited with ${code}:\n${log}`);
  });
  children.push(child);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body: JSON.parse(body) as Delivery['body'] });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const webhookPort = (webhook.address() as { port: number }).port;

  const rendered = await runTool('sh', [repoPath('deploy/alertmanager/entrypoint.sh'), '--render-only'], {
    env: {
      PATH: process.env.PATH,
      ...env,
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/alerts`,
      ALERTMANAGER_TEMPLATE: repoPath('deploy/alertmanager/alertmanager.yml'),
      ALERTMANAGER_RUNTIME_DIR: join(dir, 'alertmanager-runtime'),
    },
  });
  expect(rendered.code, rendered.stderr).toBe(0);

  const alertmanagerPort = await freePort();
  alertmanagerUrl = `http://127.0.0.1:${alertmanagerPort}`;
  start(
    'prometheus-alertmanager',
    [
      `--config.file=${rendered.stdout.trim()}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
      '--cluster.listen-address=',
    ],
    'alertmanager',
  );

  writeFileSync(
    join(dir, 'rules.yml'),
    `groups:
  - name: delivery-test
    interval: 1s
    rules:
      - alert: DeliveryTestCritical
        expr: vector(1)
        labels: { severity: critical, component: test }
        annotations: { summary: 'a critical test alert', description: 'fires at once', runbook: 'nothing to do' }
      - alert: DeliveryTestWarning
        expr: vector(1)
        labels: { severity: warning, component: test }
        annotations: { summary: 'a warning test alert', description: 'fires at once', runbook: 'nothing to do' }
`,
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:
  evaluation_interval: 1s
  external_labels: { stack: delivery-test }
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${alertmanagerPort}']
`,
  );
  const prometheusPort = await freePort();
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  start(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
      // Alerts evaluated before the notifier has found Alertmanager are re-sent after this
      // (default 1 m).
      '--rules.alert.resend-delay=2s',
    ],
    'prometheus',
  );
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
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await new Promise((resolve) => webhook?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('a firing rule reaches the webhook through a real Prometheus and Alertmanager', () => {
  it('delivers the critical alert to the webhook with our labels, annotations and bearer token', async () => {
    const delivery = await waitFor(
      'the webhook delivery',
      async () => deliveries.find((d) => d.body.alerts.some((a) => a.labels.alertname === 'DeliveryTestCritical')),
      90_000,
    );
    expect(delivery.headers.authorization).toBe(`Bearer ${env.ALERT_WEBHOOK_TOKEN}`);
    expect(delivery.body.receiver).toBe('critical');
    expect(delivery.body.status).toBe('firing');
    const alert = delivery.body.alerts.find((a) => a.labels.alertname === 'DeliveryTestCritical');
    expect(alert?.labels).toMatchObject({ severity: 'critical', component: 'test', stack: 'delivery-test' });
    expect(alert?.annotations.summary).toBe('a critical test alert');
  }, 120_000);

  it('keeps warnings away from the webhook (they go to the warnings receiver)', async () => {
    const alerts = await waitFor(
      'both alerts in Alertmanager',
      async () => {
        const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`);
        const list = (await response.json()) as { labels: Record<string, string>; receivers: { name: string }[] }[];
        return list.length >= 2 ? list : undefined;
      },
      60_000,
    );
    const warning = alerts.find((a) => a.labels.alertname === 'DeliveryTestWarning');
    // And the alert history (receivers.alertmanager), which records every alert.
    expect(warning?.receivers.map((r) => r.name).sort()).toEqual(['history', 'warnings']);
    for (const delivery of deliveries) {
      expect(delivery.body.alerts.map((a) => a.labels.severity)).not.toContain('warning');
    }
  }, 90_000);
});
