// receivers.alertmanager on a real gateway process: Alertmanager's webhook notifications become
// alert history log records (one per alert state change) through the buffer to the exporters.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notification } from '../support/alertmanager-notification.ts';
import { exportedLogs } from '../support/exported-logs.ts';
import { eventually } from '../support/file-output.ts';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const TOKEN = 'alert-history-token-0123456789';
let gateway: GatewayProcess;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/alertmanager`;
  gateway = await startGatewayProcess({
    config: { receivers: { alertmanager: { endpoint: `127.0.0.1:${port}`, token: TOKEN, tenant: 'ops' } } },
  });
});

afterAll(async () => {
  await gateway?.kill('SIGTERM');
});

const post = (body: unknown, token = TOKEN) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });

describe('the alertmanager receiver', () => {
  it('records each alert of a notification as one history log record with its labels, times and group', async () => {
    const firing = notification([
      {
        status: 'firing',
        labels: { alertname: 'DiskFull', severity: 'critical', instance: 'db-1' },
        annotations: { summary: 'disk at 97%' },
        startsAt: '2026-12-04T20:00:00.000Z',
        endsAt: '2026-12-04T20:09:00.000Z',
        fingerprint: 'a1b2c3d4e5f60718',
      },
    ]);
    const response = await post(firing);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ alerts: 1 });
    const resolved = await post(
      notification([
        {
          status: 'resolved',
          labels: { alertname: 'DiskFull', severity: 'critical', instance: 'db-1' },
          startsAt: '2026-12-04T20:00:00.000Z',
          endsAt: '2026-12-04T20:07:30.000Z',
          fingerprint: 'a1b2c3d4e5f60718',
        },
      ]),
    );
    expect(resolved.status).toBe(200);

    const out = join(gateway.dir, 'out.ndjson');
    const logs = await eventually(() => {
      const found = exportedLogs(out).filter((l) => l.attributes['alert.fingerprint'] === 'a1b2c3d4e5f60718');
      return found.length === 2 ? found : undefined;
    });
    expect(logs[0]).toMatchObject({
      body: '[FIRING] DiskFull: disk at 97%',
      severityText: 'ERROR',
      timeUnixNano: String(Date.parse('2026-12-04T20:00:00Z') * 1e6),
      resource: { 'service.name': 'alertmanager', 'service.instance.id': 'http://alertmanager.example:9093' },
      attributes: {
        'alert.status': 'firing',
        'alert.name': 'DiskFull',
        'alert.severity': 'critical',
        'alert.receiver': 'history',
        'alert.group_key': '{}/{}:{alertname="DiskFull"}',
        'alert.labels.instance': 'db-1',
        'alert.annotations.summary': 'disk at 97%',
        'alert.starts_at': '2026-12-04T20:00:00.000Z',
      },
    });
    // A firing alert's endsAt moves with every re-send: it is not part of the state change.
    expect(logs[0].attributes['alert.ends_at']).toBeUndefined();
    expect(logs[1]).toMatchObject({
      body: '[RESOLVED] DiskFull',
      severityText: 'INFO',
      attributes: {
        'alert.status': 'resolved',
        'alert.ends_at': '2026-12-04T20:07:30.000Z',
        'alert.duration_seconds': 450,
      },
    });
  });

  it('refuses a missing or wrong token with 401 and an invalid notification with 400 naming the field', async () => {
    const body = notification([
      { status: 'firing', labels: { alertname: 'X' }, startsAt: '2026-12-04T20:00:00Z', fingerprint: 'f' },
    ]);
    expect((await post(body, 'wrong-token-0123456789')).status).toBe(401);
    const bad = await post({
      ...body,
      alerts: [{ status: 'firing', labels: {}, startsAt: 'yesterday', fingerprint: 'f' }],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^body\.alerts\.0\.startsAt: /);
    const notJson = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{' });
    expect(notJson.status).toBe(400);
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });
});
