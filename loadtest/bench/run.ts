// `npm run bench [-- --quick] [-- scenario ...]`: runs every scenario in scenarios/ in its own
// process, prints one table, and writes loadtest/bench/results.json.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

interface ScenarioResult {
  scenario: string;
  rows: { case: string; figures: Record<string, number | string> }[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((arg) => !arg.startsWith('--'));
const scenarios = readdirSync(`${here}scenarios`)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name));

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const results: ScenarioResult[] = [];
let failures = 0;
for (const name of scenarios) {
  process.stderr.write(`\n== ${name}${quick ? ' (quick)' : ''}\n`);
  const run = spawnSync(process.execPath, [`${here}scenarios/${name}.ts`, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    if (run.status !== 0) throw new Error(`exited with ${run.status}`);
    results.push(JSON.parse(last) as ScenarioResult);
  } catch (error) {
    failures++;
    process.stderr.write(`scenario ${name} failed: ${(error as Error).message}\n${run.stdout.slice(-2000)}\n`);
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
process.stdout.write(`\notelgate benchmarks — commit ${commit} — ${machine}${quick ? ' — quick' : ''}\n`);
for (const result of results) {
  process.stdout.write(`\n${result.scenario}\n`);
  for (const row of result.rows) {
    const figures = Object.entries(row.figures)
      .map(([key, value]) => `${key}=${typeof value === 'number' ? format(value) : value}`)
      .join('  ');
    process.stdout.write(`  ${row.case.padEnd(40)} ${figures}\n`);
  }
}
writeFileSync(
  `${here}results.json`,
  `${JSON.stringify({ commit, machine, quick, date: new Date().toISOString(), results }, null, 2)}\n`,
);
process.exitCode = failures > 0 ? 1 : 0;

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
