// The alert history end to end: a real Prometheus evaluates a rule, the real Alertmanager running
// our alertmanager.yml sends it to the gateway's receivers.alertmanager, the gateway writes it
// through its buffer to the real Elasticsearch (otelgate-alerts-*). Fired within 30 s, and the
// resolve is recorded with how long the alert lasted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertHistoryStack, historyOf, startAlertHistoryStack, waitFor } from './alert-history-stack.ts';

let stack: AlertHistoryStack;
let resolveAt: number;

beforeAll(async () => {
  // Fires at the first evaluation, stops (resolves) at resolveAt.
  resolveAt = Math.ceil(Date.now() / 1000) + 25;
  stack = await startAlertHistoryStack({
    rules: `groups:
  - name: history-test
    interval: 1s
    rules:
      - alert: HistoryTestAlert
        expr: vector(1) and on() (vector(time()) < ${resolveAt})
        labels: { severity: warning, component: history-test }
        annotations: { summary: 'a history test alert', description: 'fires, then resolves', runbook: 'none' }
`,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('alert history through a real Prometheus, Alertmanager, gateway and Elasticsearch', () => {
  it('stores the firing alert in otelgate-alerts-* within 30 s of it firing', async () => {
    const [firing] = await waitFor(
      'the firing record in Elasticsearch',
      async () => {
        const docs = (await historyOf(stack.prefix, 'HistoryTestAlert')).filter(
          (d) => d['event.name'] === 'alert.firing',
        );
        return docs.length > 0 ? docs : undefined;
      },
      60_000,
    );
    const indexedAfterMs = Date.now() - Date.parse(firing.attributes['alert.starts_at'] as string);
    expect(indexedAfterMs).toBeLessThan(30_000);
    expect(firing.body).toBe('[FIRING] HistoryTestAlert: a history test alert');
    expect(firing.attributes).toMatchObject({
      'alert.status': 'firing',
      'alert.severity': 'warning',
      'alert.receiver': 'history',
      'alert.labels.component': 'history-test',
      'alert.labels.stack': 'alert-history',
    });
    expect(firing.attributes['alert.fingerprint']).toMatch(/^[0-9a-f]{16}$/);
  }, 90_000);

  it('records the resolve once, with the time the alert lasted, and the firing once despite re-sends', async () => {
    const docs = await waitFor(
      'the resolved record in Elasticsearch',
      async () => {
        const found = await historyOf(stack.prefix, 'HistoryTestAlert');
        return found.some((d) => d['event.name'] === 'alert.resolved') ? found : undefined;
      },
      75_000,
    );
    expect(docs.map((d) => d['event.name'])).toEqual(['alert.firing', 'alert.resolved']);
    const resolved = docs[1];
    const lasted = resolved.attributes['alert.duration_seconds'] as number;
    const expected = resolveAt - Date.parse(resolved.attributes['alert.starts_at'] as string) / 1000;
    expect(Math.abs(lasted - expected)).toBeLessThan(5);
    expect(resolved.attributes['alert.fingerprint']).toBe(docs[0].attributes['alert.fingerprint']);
  }, 90_000);
});
