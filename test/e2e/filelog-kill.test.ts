// The filelog receiver under SIGKILL: files are written and rotated (rename-and-create and
// copytruncate) while the gateway is killed without warning and restarted on the same data dir.
// Every line must be delivered, and delivered as one record: a line may reach the buffer twice
// only when the kill caught its append in flight (the outcome of that append is unknown), and
// then it is re-sent as the identical record (same observed time), which an idempotent sink
// keeps once (Elasticsearch's content-hash _id), as it does the process loop's own replays.
// A second read of a line as a different record (a new observed time) is what this test forbids,
// with any loss. Copytruncate leaves a gap between the copy and the truncation (as logrotate
// does), so the copy is sometimes found while the original is still whole.
import { appendFileSync, copyFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { freePort } from '../support/free-port.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';

const ROUNDS = Number(process.env.OTELGATE_FILELOG_KILL_ROUNDS ?? 5);
const FILES = 4;
const ROTATE_EVERY = 200;
let gateway: GatewayProcess | undefined;

afterAll(async () => {
  await gateway?.kill('SIGKILL');
});

/**
 * The file exporter's requests; a write torn by SIGKILL leaves a partial line that the next
 * write continues on the same line, so a line that does not parse is read from its last request start.
 */
function tolerantExport(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const requests: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      requests.push(JSON.parse(line));
    } catch {
      const start = line.lastIndexOf('{"resourceLogs"');
      if (start > 0) {
        try {
          requests.push(JSON.parse(line.slice(start)));
        } catch {
          // a torn write at the very end: its records are delivered again after the restart
        }
      }
    }
  }
  return requests;
}

/** Records written more than once, identical (the file exporter sees every replay). */
function countCopies(out: string): number {
  let records = 0;
  const bodies = new Set<string>();
  for (const request of tolerantExport(out)) {
    for (const rl of (request.resourceLogs ?? []) as { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[]) {
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) {
          records++;
          bodies.add((record.body as { stringValue: string }).stringValue);
        }
      }
    }
  }
  return records - bodies.size;
}

/** For each body, the distinct observed times it was delivered with (one per read by the receiver). */
function readsPerLine(out: string): Map<string, Set<string>> {
  const reads = new Map<string, Set<string>>();
  for (const request of tolerantExport(out)) {
    for (const rl of (request.resourceLogs ?? []) as { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[]) {
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) {
          const body = (record.body as { stringValue: string }).stringValue;
          const times = reads.get(body) ?? new Set<string>();
          reads.set(body, times);
          times.add(String(record.observedTimeUnixNano));
        }
      }
    }
  }
  return reads;
}

it('delivers every line, as one record, across repeated SIGKILLs while files rotate', {
  timeout: 60_000 + ROUNDS * 8_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'filelog-kill-'));
  const ports = { http: await freePort(), grpc: await freePort(), admin: await freePort() };
  const config = {
    receivers: {
      // Rotated names are included: a file rotated while the gateway is down is found by its fingerprint.
      filelog: { include: [`${root}/*.log*`], startAt: 'beginning', pollIntervalMs: 50, forceFlushMs: 200 },
    },
  };
  const paths = Array.from({ length: FILES }, (_, i) => join(root, `app-${i}.log`));
  for (const path of paths) writeFileSync(path, '');
  gateway = await startGatewayProcess({ ports, config });
  const dir = gateway.dir;

  const written: string[] = [];
  const counts = new Array<number>(FILES).fill(0);
  const generations = new Array<number>(FILES).fill(0);
  let rotations = 0;
  const events: string[] = [];
  let stop = false;
  const padding = 'x'.repeat(150);
  const writer = (async () => {
    while (!stop) {
      for (let burst = 0; burst < 10; burst++) {
        const file = Math.floor(Math.random() * FILES);
        const line = `file ${file} line ${written.length} ${padding}`;
        appendFileSync(paths[file], `${line}\n`);
        written.push(line);
        if (++counts[file] % ROTATE_EVERY === 0) {
          const rotated = `${paths[file]}.${++generations[file]}`;
          if (generations[file] % 2 === 0) {
            renameSync(paths[file], rotated);
            writeFileSync(paths[file], '');
          } else {
            copyFileSync(paths[file], rotated);
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
            truncateSync(paths[file], 0);
          }
          rotations++;
          events.push(
            `rotate ${file} ${generations[file] % 2 === 0 ? 'rename' : 'copytruncate'} at line ${written.length}`,
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();

  for (let round = 0; round < ROUNDS; round++) {
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1400));
    events.push(`kill at line ${written.length} t=${Date.now()}`);
    await gateway.kill('SIGKILL');
    if (process.env.OTELGATE_FILELOG_KILL_DEBUG)
      appendFileSync(join(root, 'gateway.out'), `${gateway.output.join('\n')}\n`);
    gateway = await startGatewayProcess({ dir, ports, config });
    events.push(`up at line ${written.length} t=${Date.now()}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  stop = true;
  await writer;

  const out = join(dir, 'out.ndjson');
  const deadline = Date.now() + 20_000;
  let reads = readsPerLine(out);
  while (Date.now() < deadline && written.some((line) => !reads.has(line))) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    reads = readsPerLine(out);
  }
  const lost = written.filter((line) => !reads.has(line));
  const repeated = written.filter((line) => (reads.get(line)?.size ?? 0) > 1);
  const copies = countCopies(out);
  const unknown = [...reads.keys()].filter((body) => !body.startsWith('file '));
  console.log(
    `filelog kill test: ${ROUNDS} kills, ${written.length} lines, ${rotations} rotations, ${lost.length} lost, ${repeated.length} read twice as different records, ${copies} identical copies in the file exporter's output (process-loop replays and re-sent appends)`,
  );
  if (process.env.OTELGATE_FILELOG_KILL_DEBUG) {
    console.log(events.join('\n'));
    console.log('lost', lost.map((l) => l.slice(0, 20)).join(', '));
    console.log(`root ${root} dir ${dir}`);
    for (const line of repeated) console.log('repeated', line.slice(0, 20), [...(reads.get(line) ?? [])].join(' '));
  }
  expect(rotations).toBeGreaterThan(0);
  expect(written.length).toBeGreaterThan(1000);
  expect(unknown).toEqual([]);
  expect(lost).toEqual([]);
  expect(repeated, 'lines read twice as different records').toEqual([]);
});
