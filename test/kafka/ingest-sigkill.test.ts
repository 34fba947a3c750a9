// Delivery oracle for ingest on Kafka: the gateway's ingest role SIGKILLed at random instants
// while clients send; every span whose request got a 2xx must be in the Kafka topic.
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { decodeTraces } from '@otelgate/pipelines/otlp/decode.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/file-output.ts';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { makeSpans, spanIds, traceRequestProto } from '../support/otlp-payloads.ts';
import { sharedBrokers } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const ROUNDS = Number(process.env.OTELGATE_INGEST_CHAOS_ROUNDS ?? 20);
const logger = pino({ level: 'silent' });
let brokers: string[];

beforeAll(async () => {
  brokers = await sharedBrokers();
});

describe('Kafka ingest killed with SIGKILL', () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    await gateway?.kill('SIGKILL');
  });

  it(
    `keeps every acknowledged span across ${ROUNDS} kills of the ingest process`,
    async () => {
      const kafka = testKafkaConfig(brokers);
      const ports = { http: await freePort(), grpc: await freePort(), admin: await freePort() };
      const start = async (dir?: string) =>
        startGatewayProcess({
          dir,
          ports,
          config: { buffer: { kafka }, service: { role: 'ingest' } },
          env: { LOG_LEVEL: 'warn' },
        });
      gateway = await start();
      const dir = gateway.dir;

      const acked = new Set<string>();
      let running = true;
      const lane = async () => {
        while (running) {
          const spans = makeSpans(10, 'ingest-chaos');
          const ok = await fetch(`http://127.0.0.1:${ports.http}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf' },
            body: new Uint8Array(traceRequestProto(spans)),
          }).then(
            (response) => response.status === 200,
            () => false,
          );
          if (ok) for (const id of spanIds(spans)) acked.add(id);
          else await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const lanes = [lane(), lane(), lane()];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const before = acked.size;
          await eventually(() => acked.size > before, 60_000, 20);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
          await gateway.kill('SIGKILL');
          gateway = await start(dir);
        }
        const before = acked.size;
        await eventually(() => acked.size > before, 60_000, 20);
      } finally {
        running = false;
        await Promise.all(lanes);
      }

      const buffer = openKafkaBuffer(
        { ...kafka, consumer: { ...kafka.consumer, groupId: `${kafka.consumer?.groupId}-oracle` } },
        { logger },
      );
      const seen = new Set<string>();
      const consumer = buffer.consumer({ signals: ['traces'] });
      const abort = new AbortController();
      const run = consumer.run(async (batch) => {
        for (const record of batch.records) {
          for (const rs of decodeTraces(record.value).resourceSpans)
            for (const ss of rs.scopeSpans) for (const span of ss.spans) seen.add(span.spanId);
        }
      }, abort.signal);
      try {
        await eventually(() => [...acked].every((id) => seen.has(id)), 90_000, 200).catch(() => {});
      } finally {
        abort.abort();
        await run;
        await buffer.close();
      }
      expect([...acked].filter((id) => !seen.has(id))).toEqual([]);
      expect(acked.size).toBeGreaterThan(ROUNDS * 10);
    },
    120_000 + ROUNDS * 10_000,
  );
});
