// A/B of OTLP/JSON -> protobuf transcoding between this tree and another checkout of the repo
// (e.g. the commit before a change), interleaved round by round in one process so both see the
// same machine load. Usage:
//   git archive <commit> pipelines/src | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/
//   node loadtest/bench/json-ab.ts /tmp/before
// Prints per case the minimum and median CPU microseconds per request of each side and their ratio.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sdkTraceRequest } from '../../pipelines/src/otlp/fixtures/sdk-requests.ts';
import * as after from '../../pipelines/src/otlp/index.ts';

const beforeDir = process.argv[2];
if (!beforeDir) throw new Error('usage: node loadtest/bench/json-ab.ts <checkout of the other version>');
const before = (await import(pathToFileURL(join(beforeDir, 'pipelines/src/otlp/index.ts')).href)) as typeof after;
const rounds = Number(process.argv[3] ?? 12);

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
/** CPU microseconds per call of `fn` over `seconds` of CPU, after a short warm-up. */
function measure(fn: () => unknown, seconds: number): number {
  const warm = cpu() + 0.2;
  while (cpu() < warm) fn();
  let runs = 0;
  const start = cpu();
  let now = start;
  while (now < start + seconds) {
    for (let i = 0; i < 5; i++) fn();
    runs += 5;
    now = cpu();
  }
  return ((now - start) / runs) * 1e6;
}
const median = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)];

const numeric = (json: Uint8Array) =>
  new TextEncoder().encode(new TextDecoder().decode(json).replace(/"(\w+UnixNano)":"(\d+)"/g, '"$1":$2'));
const cases: [string, Uint8Array][] = [
  ['100 spans, SDK JSON', sdkTraceRequest(100, 20).json],
  ['512 spans, SDK JSON', sdkTraceRequest(512, 20).json],
  ['100 spans, times as JSON numbers', numeric(sdkTraceRequest(100, 20).json)],
];
for (const [name, body] of cases) {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    b.push(measure(() => before.jsonToProto('traces', body), 0.5));
    a.push(measure(() => after.jsonToProto('traces', body), 0.5));
  }
  const r = (x: number) => Math.round(x);
  console.log(
    `${name}: other min ${r(Math.min(...b))} median ${r(median(b))} us | this min ${r(Math.min(...a))} median ${r(median(a))} us | ratio min ${(Math.min(...a) / Math.min(...b)).toFixed(3)} median ${(median(a) / median(b)).toFixed(3)}`,
  );
}
