// CI runs the k6 smoke scenario, in OTLP/JSON and OTLP/protobuf, against a gateway it starts:
// every request must be accepted and the spans must come out of the file exporter.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, exportedSpans } from '../support/file-output.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const k6Dir = fileURLToPath(new URL('../../loadtest/k6/', import.meta.url));
let k6: string;
let gateway: GatewayProcess;

beforeAll(async () => {
  k6 = execFileSync('bash', [`${k6Dir}install-k6.sh`], { encoding: 'utf8', timeout: 900_000 }).trim();
  execFileSync(process.execPath, [`${k6Dir}build-payloads.ts`]);
  // No processors: this checks k6 and the receivers, and the file exporter must keep up on a busy CI machine.
  const pipeline = { processors: [], exporters: ['file'] };
  gateway = await startGatewayProcess({
    config: { pipelines: { traces: pipeline, metrics: pipeline, logs: pipeline } },
  });
}, 900_000);

afterAll(async () => {
  await gateway?.kill('SIGTERM');
});

describe.each(['json', 'protobuf'])('k6 smoke over OTLP/%s', (protocol) => {
  it('passes its thresholds and every span arrives', { timeout: 240_000 }, async () => {
    const before = exportedSpans(`${gateway.dir}/out.ndjson`).length;
    const run = spawnSync(k6, ['run', '--quiet', '--no-color', `${k6Dir}smoke.js`], {
      encoding: 'utf8',
      env: { ...process.env, OTELGATE_URL: gateway.httpUrl, PROTOCOL: protocol, DURATION: '4s' },
      timeout: 90_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const iterations = Number(/iterations\.*:\s*(\d+)/.exec(run.stdout)?.[1] ?? 0);
    expect(iterations).toBeGreaterThan(0);
    await eventually(() => exportedSpans(`${gateway.dir}/out.ndjson`).length - before >= iterations * 90, 120_000, 500);
  });
});
