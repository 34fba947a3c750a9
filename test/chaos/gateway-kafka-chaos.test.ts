// The delivery oracle on the production topology: an ingest gateway and a worker gateway on the
// real Kafka broker, load running, and at random instants one of them (chosen at random) is
// SIGKILLed and restarted. Every span whose request was acknowledged must come out of the
// worker's file exporter (duplicates allowed). OTELGATE_CHAOS_ROUNDS sets the rounds (CI: 20;
// `npm run test:chaos`: 100).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testKafkaConfig } from '../kafka/kafka-test-config.ts';
import { eventually, exportedSpans } from '../support/file-output.ts';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, spanIds, traceRequestProto } from '../support/otlp-payloads.ts';

const ROUNDS = Number(process.env.OTELGATE_CHAOS_ROUNDS ?? 20);
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);

type Role = 'ingest' | 'process';
const processes: Record<Role, GatewayProcess | undefined> = { ingest: undefined, process: undefined };
const options: Record<Role, Parameters<typeof startGatewayProcess>[0]> = { ingest: {}, process: {} };

beforeAll(async () => {
  expect(brokers.length, 'KAFKA_BROKERS is set by test/global-setup.ts').toBeGreaterThan(0);
  const kafka = testKafkaConfig(brokers);
  delete (kafka as { deliveryTimeoutMs?: number }).deliveryTimeoutMs;
  for (const role of ['ingest', 'process'] as const) {
    const ports = { http: await freePort(), grpc: await freePort(), admin: await freePort() };
    // Static membership: a restarted worker takes its partitions back without waiting out its session.
    const consumer = { ...kafka.consumer, instanceId: `chaos-${role}` };
    options[role] = {
      ports,
      // The quarantine off: a worker killed from outside twice with the same record in hand cannot
      // be told from one the record killed, and would dead-letter it (worker-crash) by design.
      // This oracle is about delivery; test/quarantine/ covers the quarantine.
      config: {
        buffer: { kafka: { ...kafka, consumer } },
        service: { role },
        log: { level: 'warn' },
        process: { quarantine: { maxCrashes: 0 } },
      },
    };
    processes[role] = await startGatewayProcess(options[role]);
    options[role] = { ...options[role], dir: processes[role]!.dir };
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(processes).map((gateway) => gateway?.kill('SIGKILL')));
});

it(`delivers every acknowledged span while ingest and worker are SIGKILLed ${ROUNDS} times`, {
  timeout: 120_000 + ROUNDS * 15_000,
}, async () => {
  const url = `http://127.0.0.1:${options.ingest!.ports!.http}/v1/traces`;
  const acknowledged = new Set<string>();
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const spans = makeSpans(10, 'chaos');
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: new Uint8Array(traceRequestProto(spans)),
        });
        await response.arrayBuffer();
        if (response.status === 200) for (const id of spanIds(spans)) acknowledged.add(id);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const senders = Array.from({ length: 3 }, sender);
  const kills: Record<Role, number> = { ingest: 0, process: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 600));
    const role: Role = Math.random() < 0.5 ? 'ingest' : 'process';
    kills[role]++;
    await processes[role]!.kill('SIGKILL');
    processes[role] = await startGatewayProcess(options[role]);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  stop = true;
  await Promise.all(senders);

  expect(acknowledged.size).toBeGreaterThan(ROUNDS * 10);
  const out = `${options.process!.dir}/out.ndjson`;
  const missing = await eventually(
    () => {
      const delivered = new Set(exportedSpans(out).map((span) => span.spanId));
      const lost = [...acknowledged].filter((id) => !delivered.has(id));
      return lost.length === 0 ? lost : undefined;
    },
    90_000,
    500,
  ).catch(() => {
    const delivered = new Set(exportedSpans(out).map((span) => span.spanId));
    return [...acknowledged].filter((id) => !delivered.has(id));
  });
  expect(
    missing,
    `lost ${missing.length} of ${acknowledged.size} acknowledged spans (kills: ${JSON.stringify(kills)})`,
  ).toEqual([]);
});
