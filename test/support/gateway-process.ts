import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from './free-port.ts';

const CLI = fileURLToPath(new URL('../../gateway/src/cli.ts', import.meta.url));
// OTELGATE_BUNDLE: a bundle built elsewhere (a benchmark comparing builds while dist/ is rebuilt).
const BUNDLE = process.env.OTELGATE_BUNDLE ?? fileURLToPath(new URL('../../dist/otelgate.mjs', import.meta.url));
/** The V8 flags the image and `./run start` give the gateway, by role (see docs/OPERATIONS.md, "Memory"). */
export function shippedNodeFlags(role: unknown): string[] {
  if (role === 'process') return ['--max-semi-space-size=8', '--max-old-space-size=192'];
  return role === 'ingest' ? ['--max-semi-space-size=4', '--max-old-space-size=320'] : ['--max-semi-space-size=4'];
}

/** The environment compose and `./run start` add for a role: workers cap glibc's malloc arenas (OPERATIONS.md, "Memory"). */
export function shippedEnv(role: unknown): NodeJS.ProcessEnv {
  return role === 'process' ? { MALLOC_ARENA_MAX: '2' } : {};
}

export interface GatewayProcess {
  dir: string;
  configPath: string;
  httpUrl: string;
  grpcAddress: string;
  adminUrl: string;
  /** Every line the gateway wrote to stdout and stderr so far. */
  output: string[];
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface GatewayProcessOptions {
  /** Reuse a data dir (restart after a kill). */
  dir?: string;
  /** Deep-merged over the test defaults (file exporter into <dir>/out.ndjson for every signal). */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  ports?: { http: number; grpc: number; admin: number };
  /** Run the bundle from `npm run build` instead of the TypeScript sources (benchmarks measure what ships). */
  bundled?: boolean;
  /** V8/Node flags: for the bundle instead of the shipped ones (benchmarks comparing settings); for the sources, added. */
  nodeFlags?: string[];
}

/** Starts `otelgate start` as a real child process on free ports and waits for its ready line. */
export async function startGatewayProcess(options: GatewayProcessOptions = {}): Promise<GatewayProcess> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'otelgate-test-'));
  const ports = options.ports ?? { http: await freePort(), grpc: await freePort(), admin: await freePort() };
  const base: Record<string, unknown> = {
    receivers: {
      otlp: { grpc: { endpoint: `127.0.0.1:${ports.grpc}` }, http: { endpoint: `127.0.0.1:${ports.http}` } },
    },
    buffer: { embedded: { dir: join(dir, 'buffer') } },
    // Never rotated: tests read back one file, and rotation would hide what moved out of it.
    exporters: { file: { path: join(dir, 'out.ndjson'), rotation: { maxMegabytes: 0 } } },
    pipelines: { traces: { exporters: ['file'] }, metrics: { exporters: ['file'] }, logs: { exporters: ['file'] } },
    admin: { endpoint: `127.0.0.1:${ports.admin}` },
    service: { shutdownGracePeriodSeconds: 10 },
  };
  const config = deepMerge(base, options.config ?? {});
  const configPath = join(dir, `config-${Date.now()}.yaml`);
  writeFileSync(configPath, stringify(config));

  const role = (config.service as { role?: string } | undefined)?.role;
  const entry = options.bundled
    ? [...(options.nodeFlags ?? shippedNodeFlags(role)), BUNDLE]
    : [...(options.nodeFlags ?? []), CLI];
  const child = spawn(process.execPath, [...entry, 'start', '--config', configPath], {
    env: {
      ...(options.bundled ? shippedEnv(role) : {}),
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) output.push(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // Ready once the admin port answers /healthz (works at any log level).
  const adminUrl = `http://127.0.0.1:${ports.admin}`;
  const deadline = Date.now() + 60_000;
  let exitCode: number | null | undefined;
  exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`gateway exited with ${exitCode} before it was ready:\n${output.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway not ready within 60 s:\n${output.join('\n')}`);
    }
    const healthy = await fetch(`${adminUrl}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy && (role === 'process' || (await portsOpen(ports)))) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    dir,
    configPath,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    grpcAddress: `127.0.0.1:${ports.grpc}`,
    adminUrl,
    output,
    child,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The admin port opens last, but check the OTLP ports too: a test may disable one of them. */
async function portsOpen(ports: { http: number; grpc: number }): Promise<boolean> {
  const { connect } = await import('node:net');
  const open = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  const [http, grpc] = await Promise.all([open(ports.http), open(ports.grpc)]);
  return http || grpc;
}
