// `POST /dlq/replay` on a running gateway and `otelgate dlq replay` on a stopped one go through the
// one replay routine: each dead letter is re-delivered once, a second replay appends nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEmbeddedLog } from '@otelgate/pipelines/buffer/embedded/open-embedded-log.ts';
import { encodeExportRequest, parseOtlpJson } from '@otelgate/pipelines/otlp/index.ts';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, exportedSpans } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const TOKEN = 'admin-token-for-the-dlq-replay-test-0123';
const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'otelgate-dlq-replay-'));
let offset = 0n;
let gateway: GatewayProcess | undefined;

afterAll(async () => {
  await gateway?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

function spanRequest(name: string): Uint8Array {
  const json = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'dlq-test' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: `eee19b7ec3c1b1${String(offset).padStart(2, '0')}`,
                name,
                kind: 2,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000100000000',
              },
            ],
          },
        ],
      },
    ],
  };
  return encodeExportRequest('traces', parseOtlpJson('traces', JSON.stringify(json)));
}

/** Writes dead letters into the gateway's embedded log while it is stopped. */
async function deadLetter(names: string[]): Promise<void> {
  const log = await openEmbeddedLog({ dir: join(dir, 'buffer') }, { logger: pino({ level: 'error' }) });
  try {
    for (const name of names) {
      await log.deadLetters.write(
        {
          signal: 'traces',
          partition: 0,
          offset: offset++,
          timestamp: Date.now(),
          value: spanRequest(name),
          headers: {},
        },
        { stage: 'file', reason: 'disk was read-only' },
      );
    }
  } finally {
    await log.close();
  }
}

const spanNames = () => exportedSpans(join(dir, 'out.ndjson')).map((span) => span.name);

function cli(...args: string[]): unknown {
  const run = spawnSync(process.execPath, [CLI, 'dlq', ...args, '--config', gateway!.configPath, '--token', TOKEN], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('dlq replay', () => {
  it('re-delivers each dead letter once through POST /dlq/replay, and through the CLI when the gateway is stopped', {
    timeout: 120_000,
  }, async () => {
    await deadLetter(['first', 'second']);
    gateway = await startGatewayProcess({ dir, config: { admin: { token: TOKEN } } });
    const replay = async () => {
      const response = await fetch(`${gateway!.adminUrl}/dlq/replay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await replay()).toEqual({ replayed: 2 });
    await eventually(() => spanNames().length >= 2);
    expect(await replay()).toEqual({ replayed: 0 });
    expect(cli('list')).toEqual([]);
    const refused = await fetch(`${gateway.adminUrl}/dlq?signal=profiles`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'signal: "profiles" is not one of traces, metrics, logs' });

    expect(await gateway.kill('SIGTERM')).toBe(0);
    await deadLetter(['third']);
    // Nothing answers on the admin port: the CLI opens the embedded log itself.
    expect(cli('list')).toMatchObject([{ stage: 'file', source: { signal: 'traces' } }]);
    expect(cli('replay')).toEqual({ replayed: 1 });
    expect(cli('replay')).toEqual({ replayed: 0 });

    gateway = await startGatewayProcess({ dir, config: { admin: { token: TOKEN } } });
    await eventually(() => spanNames().length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(spanNames().sort()).toEqual(['first', 'second', 'third']);
  });
});
