// Replication faults on a three-node cluster of its own (test/services/kafka-cluster): partition
// leaders moving under load, and a topic whose in-sync replicas fall below min.insync.replicas.
// (One node cannot show the second: the broker caps the required ISR at the replica count.)
import * as grpc from '@grpc/grpc-js';
import { openKafkaBuffer } from '@otelgate/pipelines/buffer/kafka/open-kafka-buffer.ts';
import { OtelgateError } from '@otelgate/pipelines/errors/error-kinds.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, eventuallyAsync, exportedSpans } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { grpcTraceExport } from '../support/grpc-export.ts';
import { makeSpans, spanIds, traceRequestProto } from '../support/otlp-payloads.ts';
import { consumeUntil } from './consume-until.ts';
import { type KafkaCluster, startKafkaCluster } from './kafka-cluster-service.ts';
import { uniqueName } from './kafka-service.ts';
import { testKafkaConfig } from './kafka-test-config.ts';

const logger = pino({ level: process.env.KAFKA_TEST_LOG ?? 'silent' }, pino.destination(2));
let cluster: KafkaCluster;

beforeAll(async () => {
  cluster = await startKafkaCluster();
}, 300_000);
afterAll(async () => {
  await cluster?.remove();
}, 120_000);

describe('Kafka buffer while partition leaders move', () => {
  it('keeps every acknowledged append through a leader shutdown and the preferred leader coming back', async () => {
    const config = testKafkaConfig(cluster.brokers, {
      autoCreateTopics: { enabled: true, partitions: 3, replicationFactor: 3 },
      retries: 2,
    });
    const buffer = openKafkaBuffer(config, { logger });
    const topic = buffer.config.topics.traces;
    try {
      await buffer.producer.start();
      const acked: string[] = [];
      const refusals: unknown[] = [];
      let seq = 0;
      let running = true;
      const lane = async () => {
        while (running) {
          const id = `id-${seq++}`;
          try {
            await buffer.producer.append('traces', [{ key: Buffer.from(id), value: Buffer.from(id), headers: { id } }]);
            acked.push(id);
          } catch (error) {
            refusals.push(error);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      };
      const lanes = [lane(), lane(), lane(), lane()];
      const progress = async (more: number) => {
        const before = acked.length;
        await eventually(() => acked.length >= before + more, 60_000, 20);
      };
      try {
        await progress(100);
        const leader = (await cluster.partitions(topic))[0].leader;
        await cluster.stopNode(leader);
        const afterShutdown = await cluster.partitions(topic);
        expect(afterShutdown.every((p) => p.leader >= 0 && p.leader !== leader)).toBe(true);
        await progress(100);

        await cluster.startNode(leader);
        // Leadership goes back to the preferred replica (the first listed) once it rejoined the ISR.
        const preferred = afterShutdown.flatMap((p, index) => (p.replicas[0] === leader ? [index] : []));
        expect(preferred.length).toBeGreaterThan(0);
        await eventuallyAsync(
          async () => {
            const partitions = await cluster.partitions(topic);
            return preferred.every((index) => partitions[index].leader === leader);
          },
          90_000,
          500,
        );
        await progress(100);
      } finally {
        running = false;
        await Promise.all(lanes);
      }

      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(OtelgateError);
        expect((refusal as OtelgateError).kind).toBe('unavailable');
      }
      const wanted = new Set(acked);
      const seen = new Set<string>();
      let read = 0;
      await consumeUntil(
        buffer.consumer({ groupId: uniqueName('oracle'), signals: ['traces'] }),
        (records) => {
          for (; read < records.length; read++) seen.add(records[read].headers.id);
          return [...wanted].every((id) => seen.has(id));
        },
        { timeoutMs: 90_000 },
      );
      expect(acked.filter((id) => !seen.has(id))).toEqual([]);
    } finally {
      await buffer.close();
    }
  }, 420_000);
});

describe('gateway on a topic short of in-sync replicas', () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    await gateway?.kill('SIGTERM');
  }, 60_000);

  it('refuses with 503 and UNAVAILABLE, Retry-After and not ready while the ISR is below min.insync.replicas, and recovers by itself', async () => {
    // Replication factor 2 under the cluster's min.insync.replicas 2: one replica out refuses acks=all.
    const kafka = testKafkaConfig(cluster.brokers, {
      autoCreateTopics: { enabled: true, partitions: 1, replicationFactor: 2 },
      requestTimeoutMs: 2_000,
      deliveryTimeoutMs: 3_000,
      retries: 1,
    });
    gateway = await startGatewayProcess({
      config: { buffer: { kafka }, admin: { readinessCacheMs: 0 } },
      env: { LOG_LEVEL: 'warn' },
    });
    const http = gateway.httpUrl;
    const acknowledged = new Set<string>();
    const send = async () => {
      const spans = makeSpans(5, 'isr');
      const response = await fetch(`${http}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array(traceRequestProto(spans)),
      });
      if (response.status === 200) for (const id of spanIds(spans)) acknowledged.add(id);
      return response;
    };
    const notReady = async () => {
      const response = await fetch(`${gateway?.adminUrl}/readyz`);
      return response.status === 503 ? response.json() : undefined;
    };

    await eventuallyAsync(async () => (await send()).status === 200, 60_000);
    const topic = kafka.topics?.traces as string;
    const [partition] = await cluster.partitions(topic);
    expect(partition.isr).toHaveLength(2);
    const follower = partition.replicas.find((id) => id !== partition.leader) as number;

    await cluster.stopNode(follower);
    try {
      const refused = await eventuallyAsync(async () => {
        const response = await send();
        return response.status === 503 ? response : undefined;
      }, 60_000);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.text()).toMatch(/NOT_ENOUGH_REPLICAS/);
      const error = await grpcTraceExport(gateway.grpcAddress, traceRequestProto(makeSpans(2, 'isr-grpc')));
      expect(error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(error?.metadata.get('grpc-status-details-bin')).toHaveLength(1);
      // Not ready for as long as the ISR stays short: the probe (every 250 ms here) asks for the
      // in-sync replicas the topic requires, not only whether the broker answers.
      for (let check = 0; check < 8; check++) {
        expect(await notReady()).toMatchObject({ status: 'not ready', checks: { buffer_writable: false } });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const again = await send();
      expect(again.status).toBe(503);
      expect(await again.text()).toMatch(/NOT_ENOUGH_REPLICAS/);

      // The operator's fix without the broker: the topic asks for fewer in-sync replicas.
      await cluster.setTopicConfig(topic, 'min.insync.replicas', '1');
      await eventuallyAsync(async () => (await send()).status === 200, 60_000, 250);
      await cluster.setTopicConfig(topic, 'min.insync.replicas', undefined);
      await eventuallyAsync(async () => (await send()).status === 503, 60_000, 250);
    } finally {
      await cluster.startNode(follower);
    }
    // The replica back in the ISR: accepted again, ready again, without a restart.
    await eventuallyAsync(async () => (await send()).status === 200, 120_000, 500);
    expect((await cluster.partitions(topic))[0].isr).toHaveLength(2);
    await eventuallyAsync(async () => (await fetch(`${gateway?.adminUrl}/readyz`)).status === 200, 30_000);

    const out = `${gateway.dir}/out.ndjson`;
    await eventually(
      () => {
        const delivered = new Set(exportedSpans(out).map((span) => span.spanId));
        return [...acknowledged].every((id) => delivered.has(id));
      },
      90_000,
      500,
    ).catch(() => {});
    const delivered = new Set(exportedSpans(out).map((span) => span.spanId));
    expect([...acknowledged].filter((id) => !delivered.has(id))).toEqual([]);
  }, 420_000);
});
