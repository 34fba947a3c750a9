// A/B of ingest CPU per span between this tree's bundle and another checkout's (e.g. the commit
// before a change): both gateways run side by side and take the same fixed-rate load in
// alternating phases, so both see the same machine load. Usage:
//   git archive <commit> | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/
//   (cd /tmp/before && bash scripts/build.sh) && npm run build
//   node loadtest/bench/ingest-ab.ts /tmp/before [http|grpc] [spans per request] [rounds]
// Prints each side's CPU-seconds per million spans per phase and their medians.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startGatewayProcess } from '../../test/support/gateway-process.ts';
import { cpuSeconds } from './proc-sampler.ts';
import { runLoad } from './run-load.ts';

const [beforeDir, transportArg = 'http', spansArg = '100', roundsArg = '6'] = process.argv.slice(2);
if (!beforeDir)
  throw new Error(
    'usage: node loadtest/bench/ingest-ab.ts <checkout of the other version> [http|grpc] [spans] [rounds]',
  );
const transport = transportArg as 'http' | 'grpc';
const spansPerRequest = Number(spansArg);
const startBefore = (
  (await import(pathToFileURL(join(beforeDir, 'test/support/gateway-process.ts')).href)) as {
    startGatewayProcess: typeof startGatewayProcess;
  }
).startGatewayProcess;

const options = {
  config: {
    service: { role: 'ingest' },
    log: { level: 'warn' },
    buffer: { embedded: { maxBytes: 8 * 1024 ** 3, retention: { maxBytes: 8 * 1024 ** 3 } } },
  },
  env: { LOG_LEVEL: 'warn' },
  bundled: true,
};
const gateways = { before: await startBefore(options), after: await startGatewayProcess(options) };
const results: Record<'before' | 'after', number[]> = { before: [], after: [] };
try {
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const side of round % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
      const gateway = gateways[side];
      const target = transport === 'http' ? gateway.httpUrl : gateway.grpcAddress;
      const load = { transport, spansPerRequest, concurrency: 8, ratePerSecond: 20_000 / spansPerRequest, target };
      await runLoad({ ...load, durationSeconds: 1 });
      const pid = gateway.child.pid as number;
      const cpuBefore = cpuSeconds(pid);
      const measured = await runLoad({ ...load, durationSeconds: 5 });
      results[side].push(Number((((cpuSeconds(pid) - cpuBefore) / measured.spans) * 1e6).toFixed(2)));
    }
  }
} finally {
  for (const gateway of Object.values(gateways)) {
    await gateway.kill('SIGTERM');
    spawnSync('rm', ['-rf', gateway.dir]);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  JSON.stringify({
    transport,
    spansPerRequest,
    cpuSecondsPerMillionSpans: results,
    median: { before: median(results.before), after: median(results.after) },
  }),
);
