// Reload without restart (issue 16 item 6): a real gateway, records flowing while the redact rules
// change through POST /reload and SIGHUP; nothing lost or duplicated, a bad config refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { testKafkaConfig } from '../kafka/kafka-test-config.ts';
import { eventually, readFileExport } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const TOKEN = 'reload-test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

let gateway: GatewayProcess;

const redactWith = (name: string, pattern: string) => ({
  redact: { customPatterns: [{ name, pattern }] },
});

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      admin: { token: TOKEN },
      processors: redactWith('ticket', 'TICKET-[0-9]+'),
      pipelines: { logs: { processors: ['redact'], exporters: ['file'] } },
    },
  });
}, 120_000);

afterAll(async () => {
  expect(await gateway.kill('SIGTERM')).toBe(0);
});

/** Rewrites the gateway's config file with `change` applied to its parsed tree. */
function editConfig(change: (config: Record<string, unknown>) => void, target = gateway): void {
  const config = parse(readFileSync(target.configPath, 'utf8'));
  change(config);
  writeFileSync(target.configPath, stringify(config));
}

let sequence = 0;

/** One log record per request, `seq` unique, its body carrying an order and a ticket number. */
async function sendLog(target = gateway): Promise<number> {
  const seq = sequence++;
  const response = await fetch(`${target.httpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'reload-e2e' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  body: { stringValue: `order ORDER-${1000 + seq} ticket TICKET-${2000 + seq}` },
                  attributes: [{ key: 'seq', value: { intValue: String(seq) } }],
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
  return seq;
}

interface JsonLogRecord {
  body: { stringValue: string };
  attributes: { key: string; value: { intValue?: string } }[];
}
type JsonResourceLogs = { scopeLogs?: { logRecords?: JsonLogRecord[] }[] };

/** Exported bodies by seq; every occurrence kept, so duplicates show. */
function exportedBodies(target = gateway): Map<number, string[]> {
  const bodies = new Map<number, string[]>();
  for (const request of readFileExport(`${target.dir}/out.ndjson`)) {
    for (const resource of (request.resourceLogs as JsonResourceLogs[]) ?? []) {
      for (const scope of resource.scopeLogs ?? []) {
        for (const record of scope.logRecords ?? []) {
          const seq = Number(record.attributes.find((a) => a.key === 'seq')?.value.intValue);
          bodies.set(seq, [...(bodies.get(seq) ?? []), record.body.stringValue]);
        }
      }
    }
  }
  return bodies;
}

/** Sends records every few ms until `stop()`, so a reload happens while data flows. */
function sendContinuously(target = gateway): { stop(): Promise<number[]> } {
  const sent: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      sent.push(await sendLog(target));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return sent;
    },
  };
}

describe('reload without restart', () => {
  it('applies a new redact pattern to later records while data flows, losing and duplicating nothing', async () => {
    const flow = sendContinuously();
    // The old pattern is in force for the first records.
    await eventually(() => exportedBodies().size >= 20, 30_000);

    editConfig((config) => {
      config.processors = redactWith('order', 'ORDER-[0-9]+');
      config.limits = { maxInFlightBytes: 32 * 1024 * 1024 };
    });
    const reload = await fetch(`${gateway.adminUrl}/reload`, { method: 'POST', headers: auth });
    const result = await reload.json();
    expect(reload.status, JSON.stringify(result)).toBe(200);
    expect(result).toMatchObject({ outcome: 'applied', pipelinesRebuilt: true, restartNeeded: ['limits'] });
    const firstAfterReload = sequence;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = await flow.stop();
    expect(sent.filter((seq) => seq >= firstAfterReload).length).toBeGreaterThan(10);

    const bodies = await eventually(() => {
      const found = exportedBodies();
      return sent.every((seq) => found.has(seq)) && found;
    }, 30_000);
    for (const seq of sent) expect(bodies.get(seq), `seq ${seq} exported once`).toHaveLength(1);
    expect(bodies.get(0)![0]).toBe('order ORDER-1000 ticket [REDACTED:ticket]');
    for (const seq of sent.filter((s) => s >= firstAfterReload)) {
      expect(bodies.get(seq)![0]).toBe(`order [REDACTED:order] ticket TICKET-${2000 + seq}`);
    }
    // Every record ran wholly under one rule set: never both redacted, never neither.
    for (const seq of sent) expect(bodies.get(seq)![0].match(/REDACTED/g)).toHaveLength(1);
    expect(gateway.output.join('\n')).toContain('limits changed in the config file; it takes effect after a restart');
  });

  it('refuses a config that does not validate, keeps the running one, and says why', async () => {
    editConfig((config) => {
      config.processors = redactWith('broken', '(a)\\1');
    });
    const reload = await fetch(`${gateway.adminUrl}/reload`, { method: 'POST', headers: auth });
    expect(reload.status).toBe(400);
    const result = await reload.json();
    expect(result.outcome).toBe('refused');
    expect(result.error).toContain('processors.redact.customPatterns[0].pattern');
    await eventually(() => gateway.output.some((line) => line.includes('config reload refused')));
    const status = await (await fetch(`${gateway.adminUrl}/status`)).json();
    expect(status.reload).toMatchObject({
      applied: 1,
      refused: 1,
      last: { outcome: 'refused', trigger: 'POST /reload' },
    });
    expect(status.reload.last.error).toContain('processors.redact.customPatterns[0].pattern');
    const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/^otelgate_config_reloads_total\{outcome="refused"\} 1$/m);
    expect(metrics).toMatch(/^otelgate_config_reloads_total\{outcome="applied"\} 1$/m);
    expect(metrics).toMatch(/^otelgate_config_last_reload_successful 0$/m);

    const seq = await sendLog();
    const bodies = await eventually(() => exportedBodies().get(seq));
    expect(bodies).toEqual([`order [REDACTED:order] ticket TICKET-${2000 + seq}`]);
  });

  it('reloads on SIGHUP', async () => {
    editConfig((config) => {
      config.processors = redactWith('ticket', 'TICKET-[0-9]+');
    });
    const before = gateway.output.filter((line) => line.includes('"config reloaded"')).length;
    gateway.child.kill('SIGHUP');
    await eventually(() => gateway.output.filter((line) => line.includes('"config reloaded"')).length > before);
    const seq = await sendLog();
    const bodies = await eventually(() => exportedBodies().get(seq));
    expect(bodies).toEqual([`order ORDER-${1000 + seq} ticket [REDACTED:ticket]`]);
  });

  it("changes an exporter's settings in place", async () => {
    const moved = `${gateway.dir}/moved.ndjson`;
    editConfig((config) => {
      (config.exporters as { file: { path: string } }).file.path = moved;
    });
    expect((await fetch(`${gateway.adminUrl}/reload`, { method: 'POST', headers: auth })).status).toBe(200);
    const seq = await sendLog();
    await eventually(() => readFileExport(moved).length > 0);
    expect(JSON.stringify(readFileExport(moved))).toContain(`ORDER-${1000 + seq} ticket [REDACTED:ticket]`);
    expect(exportedBodies().has(seq)).toBe(false);
  });

  it('needs the admin token', async () => {
    expect((await fetch(`${gateway.adminUrl}/reload`, { method: 'POST' })).status).toBe(401);
  });
});

describe('reload on Kafka', () => {
  let worker: GatewayProcess;

  beforeAll(async () => {
    const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    expect(brokers.length, 'KAFKA_BROKERS is set by test/global-setup.ts').toBeGreaterThan(0);
    worker = await startGatewayProcess({
      config: {
        buffer: { kafka: testKafkaConfig(brokers) },
        admin: { token: TOKEN },
        processors: redactWith('ticket', 'TICKET-[0-9]+'),
        pipelines: { logs: { processors: ['redact'], exporters: ['file'] } },
      },
    });
  }, 120_000);

  afterAll(async () => {
    expect(await worker.kill('SIGTERM')).toBe(0);
  });

  const rebalances = async () => {
    const text = await (await fetch(`${worker.adminUrl}/metrics`)).text();
    const found = /^otelgate_kafka_rebalances_total(?:\{[^}]*\})? (\d+)/m.exec(text);
    expect(found, 'otelgate_kafka_rebalances_total on /metrics').not.toBeNull();
    return Number(found![1]);
  };

  it('swaps the rules while the consumer keeps its partitions: no rebalance, nothing lost or doubled', {
    timeout: 90_000,
  }, async () => {
    const flow = sendContinuously(worker);
    await eventually(() => exportedBodies(worker).size >= 10, 60_000);
    const rebalancesBefore = await rebalances();

    editConfig((config) => {
      config.processors = redactWith('order', 'ORDER-[0-9]+');
    }, worker);
    const reload = await fetch(`${worker.adminUrl}/reload`, { method: 'POST', headers: auth });
    expect(reload.status, await reload.clone().text()).toBe(200);
    const firstAfterReload = sequence;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = await flow.stop();

    const bodies = await eventually(() => {
      const found = exportedBodies(worker);
      return sent.every((seq) => found.has(seq)) && found;
    }, 60_000);
    for (const seq of sent) expect(bodies.get(seq), `seq ${seq} exported once`).toHaveLength(1);
    for (const seq of sent.filter((s) => s >= firstAfterReload)) {
      expect(bodies.get(seq)![0]).toBe(`order [REDACTED:order] ticket TICKET-${2000 + seq}`);
    }
    expect(await rebalances()).toBe(rebalancesBefore);
  });
});
