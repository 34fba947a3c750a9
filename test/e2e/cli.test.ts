import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('otelgate CLI', () => {
  it('prints its version with --version and `version`', () => {
    for (const args of [['--version'], ['-V'], ['version']]) {
      const result = run(...args);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^otelgate \d+\.\d+\.\d+/);
    }
  });

  it('lists every command in the general help', () => {
    for (const args of [[], ['--help'], ['help']]) {
      const help = run(...args);
      expect(help.status).toBe(0);
      for (const name of ['start', 'validate', 'dlq', 'version'])
        expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
  });

  it("prints one command's help for `help <command>` and `<command> --help`", () => {
    const viaHelp = run('help', 'validate');
    const viaFlag = run('validate', '--help');
    expect(viaHelp.status).toBe(0);
    expect(viaFlag.status).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toContain('Usage: otelgate validate --config FILE');
    expect(viaHelp.stdout).toContain('-c, --config FILE');
    expect(run('start', '-h').stdout).toContain('--role ROLE');
  });

  it('exits 2 on an unknown command, even with --help, and suggests the nearest one', () => {
    const unknown = run('frobnicate', '--help');
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const typo = run('valdiate', '--config', 'x.yaml');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('unknown command "valdiate"; did you mean "validate"?');
    expect(run('help', 'strat').stderr).toContain('did you mean "start"?');
  });

  it("exits 2 on an unknown option, naming the nearest one and the command's usage", () => {
    const result = run('validate', '--confg', 'x.yaml');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option "--confg"; did you mean "--config"?');
    expect(result.stderr).toContain('usage: otelgate validate --config FILE');
    expect(run('validate').status).toBe(2);
    expect(run('start', '--role', 'all').status).toBe(2);
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

  it('validate refuses the admin port on the HTTP port and a port out of range, at their lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-cli-'));
    const file = join(dir, 'clash.yaml');
    writeFileSync(
      file,
      'receivers:\n  otlp:\n    http: { endpoint: 0.0.0.0:4318 }\n    grpc: { endpoint: 127.0.0.1:99999 }\nadmin:\n  endpoint: 127.0.0.1:4318\n',
    );
    const result = run('validate', '--config', file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}:4:23: receivers.otlp.grpc.endpoint: port must be 1–65535, got 99999`);
    writeFileSync(
      file,
      'receivers:\n  otlp:\n    http: { endpoint: 0.0.0.0:4318 }\nadmin:\n  endpoint: 127.0.0.1:4318\n',
    );
    const clash = run('validate', '--config', file);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toContain(
      `${file}:5:13: admin.endpoint: port 4318 is already used by receivers.otlp.http.endpoint`,
    );
  });

  it('exits 1 with the reason when a listener cannot bind, instead of running half-started', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-cli-'));
    writeFileSync(
      join(dir, 'taken.yaml'),
      `receivers:\n  otlp:\n    http: { endpoint: 127.0.0.1:0 }\n    grpc: { endpoint: 127.0.0.1:0 }\nbuffer: { embedded: { dir: ${join(dir, 'data')} } }\nadmin: { endpoint: 127.0.0.1:${taken} }\n`,
    );
    const child = spawn(process.execPath, [CLI, 'start', '--config', join(dir, 'taken.yaml')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code] = await new Promise<[number | null]>((resolve) => child.on('exit', (exitCode) => resolve([exitCode])));
    clearTimeout(deadline);
    holder.close();
    expect(code).toBe(1);
    expect(stderr).toContain('cannot start:');
    expect(stderr).toContain('EADDRINUSE');
  }, 90_000);

  it('refuses to start on a bad config, with exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelgate-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'admin: { endpoint: nowhere }\n');
    const start = run('start', '--config', join(dir, 'bad.yaml'));
    expect(start.status).toBe(1);
    expect(start.stderr).toContain('admin.endpoint: expected host:port, got "nowhere"');
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
