// Runs load-generator.ts in its own process (so figures measure the server, not the client)
// and returns its summary line. Every bench scenario drives load through this.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

export interface LoadSummary {
  requests: number;
  spans: number;
  spansPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  refused: number;
  failed: number;
}

export function runLoad(options: Record<string, unknown>): Promise<LoadSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GENERATOR, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadSummary)
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}
