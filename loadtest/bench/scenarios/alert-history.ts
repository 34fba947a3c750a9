// Firing -> searchable in the alert history, through the shipped path (test/deploy/
// alert-history-stack.ts): a real Prometheus evaluating rules every second, the real Alertmanager
// with alertmanager.yml (history route), the gateway's receivers.alertmanager, its buffer, the
// Elasticsearch exporter and a real Elasticsearch. 20 alerts (5 with --quick) fire 2 s apart; for
// each, the time from its startsAt to the first search that finds its record (polled every 200 ms).
import { loadavg } from 'node:os';
import {
  type HistoryDocument,
  startAlertHistoryStack,
  waitFor,
  ES_URL,
} from '../../../test/deploy/alert-history-stack.ts';

const quick = process.argv.includes('--quick');
const ALERTS = quick ? 5 : 20;
const SPACING_S = 2;

const t0 = Math.ceil(Date.now() / 1000) + 20;
const names = Array.from({ length: ALERTS }, (_, i) => `HistoryBench${String(i).padStart(2, '0')}`);
const rules = `groups:
  - name: history-bench
    interval: 1s
    rules:
${names
  .map(
    (name, i) => `      - alert: ${name}
        expr: vector(1) and on() (vector(time()) >= ${t0 + i * SPACING_S})
        labels: { severity: warning, component: bench }
        annotations: { summary: 'bench', description: 'bench', runbook: 'none' }
`,
  )
  .join('')}`;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const stack = await startAlertHistoryStack({ rules });
try {
  const load = [loadavg()[0]];
  const seen = new Map<string, number>();
  const latencies = new Map<string, number>();
  await waitFor(
    'every bench alert in the history',
    async () => {
      const response = await fetch(`${ES_URL}/${stack.prefix}-alerts-*/_search?size=500&ignore_unavailable=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: { term: { 'event.name': 'alert.firing' } } }),
      });
      const now = Date.now();
      if (response.ok) {
        const body = (await response.json()) as { hits: { hits: { _source: HistoryDocument }[] } };
        for (const { _source: doc } of body.hits.hits) {
          const name = doc.attributes['alert.name'] as string;
          if (seen.has(name)) continue;
          seen.set(name, now);
          latencies.set(name, (now - Date.parse(doc.attributes['alert.starts_at'] as string)) / 1000);
          load.push(loadavg()[0]);
        }
      }
      return seen.size >= ALERTS ? true : undefined;
    },
    (20 + ALERTS * SPACING_S + 90) * 1000,
  );
  const sorted = [...latencies.values()].sort((a, b) => a - b);
  const rows = [
    {
      case: 'firing -> searchable in otelgate-alerts-*',
      figures: {
        alerts: sorted.length,
        p50_s: Number(quantile(sorted, 0.5).toFixed(2)),
        p99_s: Number(quantile(sorted, 0.99).toFixed(2)),
        max_s: Number(sorted[sorted.length - 1].toFixed(2)),
      },
    },
    {
      case: 'load average (1 min) during the run',
      figures: { min: Number(Math.min(...load).toFixed(2)), max: Number(Math.max(...load).toFixed(2)) },
    },
  ];
  process.stdout.write(`${JSON.stringify({ scenario: 'alert history latency, firing -> indexed', rows })}\n`);
} finally {
  await stack.stop();
}
