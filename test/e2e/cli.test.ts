import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('otelgate CLI', () => {
  it('prints its version and help', () => {
    expect(run('version').stdout).toMatch(/^otelgate \d+\.\d+\.\d+/);
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('otelgate start [--config FILE]');
    expect(help.stdout).toContain('otelgate validate --config FILE');
  });

  it('validates a good config with exit 0 and a bad one with exit 1, naming every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-cli-'));
    writeFileSync(
      join(dir, 'good.yaml'),
      'exporters:\n  file: { path: ./out.ndjson }\npipelines:\n  logs: { exporters: [file] }\n',
    );
    writeFileSync(
      join(dir, 'bad.yaml'),
      'receivers:\n  otlp:\n    http: { endpoint: abc }\nexporters:\n  file: {}\npipelines:\n  traces: { exporters: [file, nope] }\n',
    );
    const good = run('validate', '--config', join(dir, 'good.yaml'));
    expect(good.status).toBe(0);
    const bad = run('validate', '--config', join(dir, 'bad.yaml'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('receivers.otlp.http.endpoint: expected host:port, got "abc"');
    expect(bad.stderr).toContain('exporters.file.path:');
    expect(bad.stderr).toContain('pipelines.traces.exporters[1]: exporter "nope" is not configured');
  });

  it('refuses to start on a bad config, with exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'admin: { endpoint: nowhere }\n');
    const start = run('start', '--config', join(dir, 'bad.yaml'));
    expect(start.status).toBe(1);
    expect(start.stderr).toContain('admin.endpoint: expected host:port, got "nowhere"');
  });

  it('answers an unknown command with usage and exit 2', () => {
    const result = run('frobnicate');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('the bundle (what the image runs)', () => {
  it('builds, starts, accepts a request and stops cleanly', { timeout: 120_000 }, async () => {
    const build = spawnSync('bash', [fileURLToPath(new URL('../../scripts/build.sh', import.meta.url))], {
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    const { startGatewayProcess } = await import('../support/gateway-process.ts');
    const { makeSpans, traceRequestProto } = await import('../support/otlp-payloads.ts');
    const gateway = await startGatewayProcess({ bundled: true });
    const response = await fetch(`${gateway.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(traceRequestProto(makeSpans(2))),
    });
    expect(response.status).toBe(200);
    expect(await gateway.kill('SIGTERM')).toBe(0);
  });
});
