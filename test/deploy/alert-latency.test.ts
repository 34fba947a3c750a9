import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertOf,
  type FaultTarget,
  faultKinds,
  measureFault,
  startFaultTarget,
  waitHealthy,
  watchBlip,
} from './alert-faults.ts';
import { AlertLatencyStack } from './alert-latency-stack.ts';

// Fault -> notification through the shipped alerting path (docs/OPERATIONS.md, "Critical alert
// latency"): the real Prometheus with prometheus.yml's intervals and the project's rules, the real
// Alertmanager with alertmanager.yml, a webhook receiver. Each fault runs on its own fresh target,
// all kinds in parallel within a round. The error burst is raised by the gateway's errorburst
// processor through the same Alertmanager. Kafka is a dedicated broker whose JMX exporter agent is
// scraped as job kafka (alert-kafka-broker.ts). Two rounds here; `npm run bench -- alert-latency`
// runs ten and reports p50/p99 (docs/BENCHMARKS.md, "Alert latency").

const ROUNDS = 2;
const BUDGET_SECONDS = 30;
const BLIP_MS = 5_000;
// Long enough for an alert the blip raised to arrive: blip + scrape + eval + for + group_wait.
const BLIP_WATCH_MS = 40_000;

let stack: AlertLatencyStack;
let targets: FaultTarget[] = [];

async function started(kind: (typeof faultKinds)[number]): Promise<FaultTarget> {
  const target = await startFaultTarget(stack, kind);
  targets.push(target);
  await waitHealthy(stack, target);
  return target;
}

beforeAll(async () => {
  stack = await AlertLatencyStack.start();
}, 90_000);

afterAll(async () => {
  await Promise.all(targets.map((t) => t.stop()));
  await stack?.stop();
});

describe('critical alert latency, fault to notification', () => {
  it(`notifies PostgresDown, RedisDown, KafkaBrokersDown, ElasticsearchDown, OtelgateDown and ServiceErrorBurst within ${BUDGET_SECONDS} s of the fault, and a ${BLIP_MS / 1000} s blip of each raises nothing`, async () => {
    const latencies: Record<string, number[]> = {};
    // The blips run beside the first round, on their own targets.
    const blips = Promise.all(
      faultKinds.map(async (kind) => ({
        kind,
        ...(await watchBlip(stack, await started(kind), BLIP_MS, BLIP_WATCH_MS)),
      })),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const ready = await Promise.all(faultKinds.map(started));
      const seconds = await Promise.all(ready.map((target) => measureFault(stack, target)));
      ready.forEach((target, i) => {
        latencies[alertOf[target.kind]] = [...(latencies[alertOf[target.kind]] ?? []), seconds[i]];
      });
      // Stopped now: the next round reuses the Kafka node (restarted) instead of starting another.
      await Promise.all(ready.map((target) => target.stop()));
      targets = targets.filter((target) => !ready.includes(target));
    }
    console.log('fault -> notification (s):', JSON.stringify(latencies));
    for (const [alert, values] of Object.entries(latencies)) {
      expect(values, alert).toHaveLength(ROUNDS);
      for (const value of values) expect(value, alert).toBeLessThanOrEqual(BUDGET_SECONDS);
    }
    for (const blip of await blips) {
      expect(blip.seen, `Prometheus saw the ${blip.kind} blip`).toBe(true);
      expect(blip.notified, `notifications after the ${blip.kind} blip`).toBe(0);
    }
  }, 240_000);
});
