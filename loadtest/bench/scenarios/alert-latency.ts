// Fault -> notification for each critical alert this machine can cause, through the shipped
// alerting path (test/deploy/alert-latency-stack.ts: real Prometheus with prometheus.yml's
// intervals and the project's rules, real Alertmanager with alertmanager.yml, a webhook). Ten
// rounds (two with --quick), every fault kind in parallel within a round on fresh targets, then
// p50/p99/max per alert; plus one 5 s blip per kind, which must raise nothing.
import { loadavg } from 'node:os';
import {
  alertOf,
  type FaultTarget,
  faultKinds,
  measureFault,
  startFaultTarget,
  waitHealthy,
  watchBlip,
} from '../../../test/deploy/alert-faults.ts';
import { AlertLatencyStack } from '../../../test/deploy/alert-latency-stack.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 10;
const BLIP_MS = 5_000;
const BLIP_WATCH_MS = 40_000;

const stack = await AlertLatencyStack.start();
const targets: FaultTarget[] = [];
async function started(kind: (typeof faultKinds)[number]): Promise<FaultTarget> {
  const target = await startFaultTarget(stack, kind);
  targets.push(target);
  await waitHealthy(stack, target);
  return target;
}

function quantile(sorted: number[], q: number): number {
  // Nearest rank: with 10 trials p99 is the slowest one.
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

try {
  const load = [loadavg()[0]];
  const blips = Promise.all(
    faultKinds.map(async (kind) => ({
      kind,
      ...(await watchBlip(stack, await started(kind), BLIP_MS, BLIP_WATCH_MS)),
    })),
  );
  const latencies = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const ready = await Promise.all(faultKinds.map(started));
    const seconds = await Promise.all(ready.map((target) => measureFault(stack, target)));
    ready.forEach((target, i) => {
      latencies.set(alertOf[target.kind], [...(latencies.get(alertOf[target.kind]) ?? []), seconds[i]]);
    });
    await Promise.all(ready.map((target) => target.stop()));
    load.push(loadavg()[0]);
    process.stderr.write(`  round ${round + 1}: ${seconds.map((s) => s.toFixed(1)).join(' ')}\n`);
  }
  const blipResults = await blips;
  const rows: { case: string; figures: Record<string, number | string> }[] = [...latencies].map(([alert, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const blip = blipResults.find((b) => alertOf[b.kind] === alert);
    return {
      case: alert,
      figures: {
        trials: values.length,
        p50_s: Number(quantile(sorted, 0.5).toFixed(1)),
        p99_s: Number(quantile(sorted, 0.99).toFixed(1)),
        max_s: Number(sorted[sorted.length - 1].toFixed(1)),
        blip_5s_notifications: blip?.seen ? blip.notified : 'blip not seen',
      },
    };
  });
  rows.push({
    case: 'load average (1 min) during the run',
    figures: {
      min: Number(Math.min(...load).toFixed(2)),
      max: Number(Math.max(...load).toFixed(2)),
    },
  });
  process.stdout.write(`${JSON.stringify({ scenario: 'critical alert latency, fault -> notification', rows })}\n`);
} finally {
  await Promise.all(targets.map((t) => t.stop().catch(() => undefined)));
  await stack.stop();
}
