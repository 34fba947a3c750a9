// Runs `telemetrygen traces` (the Collector project's load generator) against an OTLP/gRPC endpoint.
// telemetrygen cannot say what the server acknowledged (its SDK batcher drops when full), so the
// caller counts spans with the server's own accepted-spans counter.
import { spawn } from 'node:child_process';

export interface TelemetrygenOptions {
  /** host:port of an OTLP/gRPC receiver. */
  endpoint: string;
  durationSeconds: number;
  workers: number;
  /** Spans per trace = childSpans + 1. */
  childSpans: number;
  /** telemetrygen 0.161 applies --rate to every span it starts, children included. */
  spansPerSecondPerWorker: number;
}

export function runTelemetrygen(binary: string, options: TelemetrygenOptions): Promise<{ elapsedSeconds: number }> {
  const args = [
    'traces',
    '--otlp-endpoint',
    options.endpoint,
    '--otlp-insecure',
    '--duration',
    `${options.durationSeconds}s`,
    '--workers',
    String(options.workers),
    '--child-spans',
    String(options.childSpans),
    '--rate',
    String(options.spansPerSecondPerWorker),
    '--service',
    'bench-telemetrygen',
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve({ elapsedSeconds: (performance.now() - started) / 1000 })
        : reject(new Error(`telemetrygen exited ${code}: ${stderr}`)),
    );
  });
}
