// Admin auth (issue 14 item 5): endpoints that change state or show data need the admin token;
// health, readiness and metrics stay open. A real gateway, the real CLI.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const TOKEN = 'admin-token-for-the-e2e-test-0123456789';
const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));

let withToken: GatewayProcess;
let withoutToken: GatewayProcess;

beforeAll(async () => {
  [withToken, withoutToken] = await Promise.all([
    startGatewayProcess({
      config: { admin: { token: '${env:OTELGATE_ADMIN_TOKEN}' } },
      env: { OTELGATE_ADMIN_TOKEN: TOKEN },
    }),
    startGatewayProcess(),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([withToken?.kill('SIGTERM'), withoutToken?.kill('SIGTERM')]);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('admin token', () => {
  it('answers POST /dlq/replay without a token 401, with a wrong one 403, with the right one 200', async () => {
    const url = `${withToken.adminUrl}/dlq/replay`;
    const missing = await fetch(url, { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect((await missing.json()).error).toContain('Authorization: Bearer');

    const wrong = await fetch(url, { method: 'POST', headers: bearer(`${TOKEN}x`) });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error).toBe('the admin token is wrong');

    const right = await fetch(url, { method: 'POST', headers: bearer(TOKEN) });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ replayed: 0 });
  });

  it('protects the dead-letter listing too, and leaves health, readiness and metrics open', async () => {
    expect((await fetch(`${withToken.adminUrl}/dlq`)).status).toBe(401);
    expect((await fetch(`${withToken.adminUrl}/dlq`, { headers: bearer(TOKEN) })).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/metrics', '/status', '/']) {
      expect((await fetch(`${withToken.adminUrl}${path}`)).status, path).toBe(200);
    }
  });

  it('refuses every protected endpoint with 403 and how to configure it when no token is configured, even on loopback', async () => {
    for (const [method, path] of [
      ['POST', '/dlq/replay'],
      ['GET', '/dlq'],
    ]) {
      const response = await fetch(`${withoutToken.adminUrl}${path}`, { method, headers: bearer(TOKEN) });
      expect(response.status, path).toBe(403);
      expect((await response.json()).error).toContain('set admin.token');
    }
    expect((await fetch(`${withoutToken.adminUrl}/healthz`)).status).toBe(200);
  });

  it('logs every refusal with the path and the peer', () => {
    const refusals = withToken.output.filter((line) => line.includes('admin request refused'));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.join('\n')).not.toContain(TOKEN);
  });

  it('lets `otelgate dlq replay` send the token from --token or OTELGATE_ADMIN_TOKEN, and explains a refusal', () => {
    const run = (env: NodeJS.ProcessEnv, ...flags: string[]) =>
      spawnSync(process.execPath, [CLI, 'dlq', 'replay', '--config', withToken.configPath, ...flags], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const ok = run({ OTELGATE_ADMIN_TOKEN: TOKEN });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ replayed: 0 });

    const refused = run({ OTELGATE_ADMIN_TOKEN: 'not-the-admin-token-at-all' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the admin token is wrong');
    expect(refused.stderr).toContain('OTELGATE_ADMIN_TOKEN');

    const flagWins = run({ OTELGATE_ADMIN_TOKEN: 'not-the-admin-token-at-all' }, '--token', TOKEN);
    expect(flagWins.status, flagWins.stderr).toBe(0);
  });
});
