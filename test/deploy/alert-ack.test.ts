// Acknowledgement and escalation on the real stack (Prometheus, Alertmanager with our
// alertmanager.yml, gateway, Elasticsearch): `otelgate alerts ack` silences one of two critical
// alerts; Alertmanager honours the silence (the acknowledged alert is suppressed and never
// escalates) while the other escalates after ALERT_ESCALATION_AFTER; the ack is in the history.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type AlertHistoryStack,
  historyOf,
  startAlertHistoryStack,
  waitFor,
} from './alert-history-stack.ts';

const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));

interface Delivery {
  receiver: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

let stack: AlertHistoryStack;
let webhook: Server;
const deliveries: Delivery[] = [];

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      deliveries.push(JSON.parse(body) as Delivery);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const port = (webhook.address() as { port: number }).port;
  stack = await startAlertHistoryStack({
    escalationAfter: '15s',
    webhookUrl: `http://127.0.0.1:${port}/incidents`,
    rules: `groups:
  - name: ack-test
    interval: 1s
    rules:
      - alert: AckTestAcknowledged
        expr: vector(1)
        labels: { severity: critical, component: ack-test }
        annotations: { summary: 'acknowledged in time', description: 'x', runbook: 'none' }
      - alert: AckTestIgnored
        expr: vector(1)
        labels: { severity: critical, component: ack-test }
        annotations: { summary: 'nobody acknowledges this one', description: 'x', runbook: 'none' }
`,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => webhook?.close(resolve));
});

describe('acknowledging and escalating critical alerts', () => {
  it('silences the acknowledged alert, records the ack, and escalates only the other one', async () => {
    const [firing] = await waitFor(
      'the firing record',
      async () => {
        const docs = await historyOf(stack.prefix, 'AckTestAcknowledged');
        return docs.length > 0 ? docs : undefined;
      },
      30_000,
    );
    const fingerprint = firing.attributes['alert.fingerprint'] as string;
    const acked = await cli([
      'alerts',
      'ack',
      fingerprint,
      '--by',
      'alice',
      '--note',
      'disk being replaced',
      '--admin',
      stack.gateway.adminUrl,
      '--token',
      ADMIN_TOKEN,
    ]);
    expect(acked.code, acked.stderr).toBe(0);
    expect(acked.stdout).toMatch(/^acknowledged AckTestAcknowledged \([0-9a-f]+\): silence [0-9a-f-]{36} until /);

    // Alertmanager honours the silence: the alert is suppressed by it.
    const states = await waitFor(
      'the alert suppressed',
      async () => {
        const response = await fetch(`${stack.alertmanagerUrl}/api/v2/alerts`);
        const list = (await response.json()) as {
          fingerprint: string;
          status: { state: string; silencedBy: string[] };
        }[];
        const alert = list.find((a) => a.fingerprint === fingerprint);
        return alert?.status.state === 'suppressed' ? alert : undefined;
      },
      20_000,
    );
    expect(states.status.silencedBy).toHaveLength(1);

    const ack = await waitFor(
      'the acknowledgement record',
      async () =>
        (await historyOf(stack.prefix, 'AckTestAcknowledged')).find((d) => d['event.name'] === 'alert.acknowledged'),
      30_000,
    );
    expect(ack.attributes).toMatchObject({
      'alert.acknowledged_by': 'alice',
      'alert.note': 'disk being replaced',
      'alert.fingerprint': fingerprint,
      'alert.silence_id': states.status.silencedBy[0],
    });

    // The unacknowledged one escalates after 15 s; the acknowledged one never does.
    const escalated = await waitFor(
      'the escalation of the ignored alert',
      async () =>
        deliveries.find(
          (d) => d.receiver === 'escalation' && d.alerts.some((a) => a.labels.alertname === 'AckTestIgnored'),
        ),
      45_000,
    );
    expect(escalated.alerts[0].status).toBe('firing');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const escalatedNames = deliveries
      .filter((d) => d.receiver === 'escalation')
      .flatMap((d) => d.alerts.map((a) => a.labels.alertname));
    expect(escalatedNames).not.toContain('AckTestAcknowledged');
  }, 120_000);

  it('answers 404 naming the problem for a fingerprint Alertmanager does not hold, and 400 for a bad body', async () => {
    const ack = (body: unknown) =>
      fetch(`${stack.gateway.adminUrl}/alerts/ack`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const missing = await ack({ fingerprint: 'ffffffffffffffff', by: 'bob' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe(
      'Alertmanager has no active alert with fingerprint ffffffffffffffff',
    );
    const bad = await ack({ fingerprint: 'ffff' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^body\.by: /);
    const noToken = await fetch(`${stack.gateway.adminUrl}/alerts/ack`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
  });
});
