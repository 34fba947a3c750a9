// `otelgate tap` (issue 16 item 5): a real gateway with redaction, the real CLI and GET /tap.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { eventually } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const TOKEN = 'tap-test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));

let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess({
    config: {
      admin: { token: TOKEN },
      processors: { redact: {} },
      pipelines: {
        traces: { processors: ['redact'], exporters: ['file'] },
        logs: { processors: ['redact'], exporters: ['file'] },
      },
    },
  });
}, 120_000);

afterAll(async () => {
  expect(await gateway.kill('SIGTERM')).toBe(0);
});

type Attr = { key: string; value: { stringValue: string } };
const s = (key: string, value: string): Attr => ({ key, value: { stringValue: value } });

async function sendLogs(service: string, records: { body: string; attributes?: Attr[] }[]): Promise<void> {
  const response = await fetch(`${gateway.httpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [s('service.name', service)] },
          scopeLogs: [
            {
              logRecords: records.map((record) => ({
                body: { stringValue: record.body },
                attributes: record.attributes ?? [],
              })),
            },
          ],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
}

const attachedTaps = () => gateway.output.filter((line) => line.includes('"tap attached"')).length;

/** Opens GET /tap and collects lines until `max` lines or `ms` passed; `attached` resolves once the gateway answered. */
function openTap(query: string, options: { max: number; ms: number }) {
  const abort = new AbortController();
  const lines: string[] = [];
  let answered!: (status: number) => void;
  const attached = new Promise<number>((resolve) => {
    answered = resolve;
  });
  const done = (async () => {
    const timer = setTimeout(() => abort.abort(), options.ms);
    try {
      const response = await fetch(`${gateway.adminUrl}/tap?${query}`, { headers: auth, signal: abort.signal });
      answered(response.status);
      if (!response.ok || !response.body) return lines;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        const parts = pending.split('\n');
        pending = parts.pop()!;
        lines.push(...parts);
        if (lines.length >= options.max) break;
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    return lines;
  })();
  return { attached, done };
}

interface TappedLogs {
  resourceLogs: {
    resource: { attributes: Attr[] };
    scopeLogs: { logRecords: { body: { stringValue: string }; attributes?: Attr[] }[] }[];
  }[];
}

describe('otelgate tap', () => {
  it('prints redacted records of the chosen service and attributes as one OTLP/JSON document per line', async () => {
    const before = attachedTaps();
    const cli = spawn(
      process.execPath,
      [
        CLI,
        'tap',
        '--url',
        gateway.adminUrl,
        '--point',
        'end',
        '--signal',
        'logs',
        '--service',
        'tap-e2e',
        '--attr',
        'tier=gold',
        '--attr',
        'team=a',
        '--count',
        '3',
      ],
      { env: { ...process.env, OTELGATE_ADMIN_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (chunk) => (stdout += chunk));
    cli.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    await eventually(() => attachedTaps() > before, 30_000);

    await sendLogs('other-service', [{ body: 'not for this tap' }]);
    await sendLogs('tap-e2e', [
      { body: 'team b, not for this tap', attributes: [s('tier', 'gold'), s('team', 'b')] },
      ...[1, 2, 3, 4].map((n) => ({
        body: `user${n} wrote from jane${n}@example.com`,
        attributes: [s('tier', 'gold'), s('team', 'a')],
      })),
    ]);
    expect(await exited, stderr).toBe(0);

    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, index) => {
      const doc = JSON.parse(line) as TappedLogs;
      expect(doc.resourceLogs).toHaveLength(1);
      expect(doc.resourceLogs[0].resource.attributes).toContainEqual(s('service.name', 'tap-e2e'));
      const records = doc.resourceLogs[0].scopeLogs[0].logRecords;
      expect(records).toHaveLength(1);
      expect(records[0].body.stringValue).toBe(`user${index + 1} wrote from [REDACTED:email]`);
    });
    await eventually(() => gateway.output.some((line) => line.includes('"tap detached"')));
  });

  it('refuses a point before the redact processor (403), an unknown point (400) and a request without the token (401)', async () => {
    const receive = await fetch(`${gateway.adminUrl}/tap?point=receive`, { headers: auth });
    expect(receive.status).toBe(403);
    expect((await receive.json()).error).toContain('comes before the redact processor');

    const unknown = await fetch(`${gateway.adminUrl}/tap?point=after:nope`, { headers: auth });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toContain('logs: receive, after:redact, end, before:file');

    expect((await fetch(`${gateway.adminUrl}/tap`)).status).toBe(401);
    expect((await fetch(`${gateway.adminUrl}/tap?rate=100000`, { headers: auth })).status).toBe(400);
  });

  it('shows the CLI the reason of a refusal, with exit 1', async () => {
    const cli = spawn(process.execPath, [CLI, 'tap', '--url', gateway.adminUrl, '--point', 'receive'], {
      env: { ...process.env, OTELGATE_ADMIN_TOKEN: TOKEN },
    });
    let stderr = '';
    cli.stderr.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => cli.once('exit', resolve))).toBe(1);
    expect(stderr).toContain('the gateway answered 403: point receive comes before the redact processor');
  });

  it('keeps to the rate and the attribute filter', async () => {
    const tap = openTap('point=after:redact&signal=logs&attr=tier=gold&rate=5', { max: 1000, ms: 1500 });
    expect(await tap.attached).toBe(200);
    await sendLogs(
      'tap-rate',
      Array.from({ length: 200 }, (_, n) => ({
        body: `record ${n}`,
        attributes: [s('tier', n % 2 ? 'gold' : 'silver')],
      })),
    );
    const lines = await tap.done;
    // A bucket of 5 plus 5 per second over at most 1.5 s: never the 100 gold records sent.
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(13);
    for (const line of lines) {
      const record = (JSON.parse(line) as TappedLogs).resourceLogs[0].scopeLogs[0].logRecords[0];
      expect(record.attributes).toContainEqual(s('tier', 'gold'));
    }
  });

  it('allows points before redaction only when a reload turned admin.tap.allowBeforeRedaction on', async () => {
    const config = parse(readFileSync(gateway.configPath, 'utf8'));
    config.admin.tap = { allowBeforeRedaction: true };
    writeFileSync(gateway.configPath, stringify(config));
    expect((await fetch(`${gateway.adminUrl}/reload`, { method: 'POST', headers: auth })).status).toBe(200);

    const tap = openTap('point=receive&signal=logs&service=tap-raw', { max: 1, ms: 20_000 });
    expect(await tap.attached).toBe(200);
    await sendLogs('tap-raw', [{ body: 'mail me at raw@example.com' }]);
    const [line] = await tap.done;
    expect((JSON.parse(line) as TappedLogs).resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue).toBe(
      'mail me at raw@example.com',
    );
  });

  it('does not hold up shutdown with a tap still attached', async () => {
    const tap = openTap('point=end', { max: 1000, ms: 60_000 });
    expect(await tap.attached).toBe(200);
    const started = Date.now();
    expect(await gateway.kill('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    await tap.done;
  });
});
