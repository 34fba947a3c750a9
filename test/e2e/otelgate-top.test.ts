// `otelgate top` against a real gateway taking traffic: on a pseudo-terminal (tmux) the screen
// shows every component with its throughput and an unreachable gateway as such, and q quits;
// into a pipe it prints plain lines.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));
const socket = `otelgate-top-test-${process.pid}`;
const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);

let gateway: GatewayProcess;
let closedUrl: string;
let traffic: NodeJS.Timeout;

const logs = JSON.stringify({
  resourceLogs: [
    { resource: {}, scopeLogs: [{ logRecords: [{ body: { stringValue: 'a' } }, { body: { stringValue: 'b' } }] }] },
  ],
});

beforeAll(async () => {
  gateway = await startGatewayProcess();
  closedUrl = `http://127.0.0.1:${await freePort()}`;
  const send = () =>
    fetch(`${gateway.httpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: logs })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  traffic = setInterval(send, 100);
}, 90_000);

afterAll(async () => {
  clearInterval(traffic);
  await tmux('kill-server').catch(() => undefined);
  await gateway?.kill('SIGTERM');
});

async function screen(): Promise<string> {
  return (await tmux('capture-pane', '-p', '-t', 'top')).stdout;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; screen:\n${await screen().catch(() => '')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('otelgate top', () => {
  it('draws every component with its throughput on a terminal, marks an unreachable gateway, and quits on q', async () => {
    const command = [process.execPath, CLI, 'top', '--url', gateway.adminUrl, '--url', closedUrl, '--interval', '0.5'];
    await tmux('new-session', '-d', '-s', 'top', '-x', '180', '-y', '40', command.map((a) => `'${a}'`).join(' '));
    const admin = gateway.adminUrl.replace('http://', '');
    // Rates need two readings; the receiver and the exporter must show items moving.
    const moving = (text: string, component: string) =>
      new RegExp(`^${admin.replaceAll('.', '\\.')}\\s+${component}\\s+ok\\s+(\\d+\\.?\\d*)`, 'm').exec(text);
    await until('rates on the screen', async () => {
      const text = await screen();
      return Number(moving(text, 'receiver/http')?.[1] ?? 0) > 0 && Number(moving(text, 'exporter/file')?.[1] ?? 0) > 0;
    });
    const text = await screen();
    expect(text).toMatch(/^otelgate top · 2 gateways · every 0.5s · /m);
    expect(text).toMatch(/^GATEWAY\s+COMPONENT\s+STATE\s+ITEMS\/S\s+ERR\/S\s+ERRORS\s+LAG\s+MEMORY\s+NOTE/m);
    for (const component of [
      'both 0.1.0',
      'receiver/grpc',
      'buffer/embedded',
      'processor/geoip',
      'processor/redact',
      'processor/errors',
    ]) {
      expect(text, component).toContain(component);
    }
    expect(text).toMatch(/both \d+\.\d+\.\d+\s+ok .* MiB\s+cpu [\d.]+% heap/);
    expect(text).toMatch(
      new RegExp(`^${closedUrl.replace('http://', '').replaceAll('.', '\\.')}\\s+-\\s+unreachable`, 'm'),
    );

    await tmux('send-keys', '-t', 'top', 'q');
    await until(
      'top to exit',
      async () =>
        await tmux('has-session', '-t', 'top').then(
          () => false,
          () => true,
        ),
      10_000,
    );
  }, 60_000);

  it('prints one plain line per component and refresh when stdout is not a terminal', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'top', '--url', gateway.adminUrl, '--interval', '0.5', '--count', '2'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out).not.toContain('\x1b');
    const lines = out.trim().split('\n');
    const exporterLines = lines.filter((line) => line.includes(' exporter/file '));
    expect(exporterLines).toHaveLength(2);
    expect(exporterLines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z \S+ exporter\/file ok items_per_s=- /);
    expect(Number(/items_per_s=([\d.]+)/.exec(exporterLines[1])?.[1])).toBeGreaterThan(0);
    expect(lines.every((line) => /^\d{4}-\d\d-\d\dT\S+Z 127\.0\.0\.1:\d+ \S+ (ok|degraded|failing) /.test(line))).toBe(
      true,
    );
  }, 30_000);
});
