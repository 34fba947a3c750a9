// Starts the built Collector as a child process with a generated config and waits for its ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.ts';
import type { CollectorPorts } from './collector-config.ts';

export interface CollectorProcess {
  dir: string;
  child: ChildProcess;
  ports: CollectorPorts;
  httpUrl: string;
  grpcAddress: string;
  metricsUrl: string;
  output: string[];
  kill(): Promise<void>;
}

export async function collectorPorts(): Promise<CollectorPorts> {
  return { grpc: await freePort(), http: await freePort(), metrics: await freePort() };
}

export async function startCollector(
  binary: string,
  ports: CollectorPorts,
  configYaml: string,
): Promise<CollectorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'otelgate-otelcol-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, configYaml);
  const child = spawn(binary, ['--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) output.push(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  exited.then(() => {
    gone = true;
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`collector exited before it was ready:\n${output.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`collector not ready within 60 s:\n${output.join('\n')}`);
    }
    const open = await Promise.all([portOpen(ports.grpc), portOpen(ports.http), portOpen(ports.metrics)]);
    if (open.every(Boolean)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    dir,
    child,
    ports,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    grpcAddress: `127.0.0.1:${ports.grpc}`,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
    output,
    async kill() {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
