// A record that blocks the event loop (a processor spinning on it) cannot be timed out from the
// loop itself. A small worker thread watches a heartbeat the loop writes; when it stops for
// `timeoutMs`, the thread adds "event loop blocked" as the last error to the crash marks in hand
// and kills the process, so the supervisor restarts it and the quarantine (crash-marks.ts) counts
// a death on the record, instead of the worker hanging forever.
import { Worker } from 'node:worker_threads';

const GUARD_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const beat = new Int32Array(workerData.heartbeat);
let last = Atomics.load(beat, 0);
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(beat, 0);
  if (now !== last) { last = now; since = Date.now(); return; }
  if (Date.now() - since < workerData.timeoutMs) return;
  const error = 'the event loop was blocked for more than ' + workerData.timeoutMs + ' ms';
  try {
    for (const name of readdirSync(workerData.dir)) {
      if (!name.endsWith('.json')) continue;
      const file = join(workerData.dir, name);
      const mark = JSON.parse(readFileSync(file, 'utf8'));
      mark.lastError = error;
      writeFileSync(file, JSON.stringify(mark));
    }
  } catch {}
  process.kill(process.pid, 'SIGKILL');
}, Math.min(1000, Math.max(50, workerData.timeoutMs / 4)));
`;

export interface BlockedLoopGuard {
  stop(): Promise<void>;
}

export function startBlockedLoopGuard(dir: string, timeoutMs: number): BlockedLoopGuard {
  const heartbeat = new SharedArrayBuffer(4);
  const beat = new Int32Array(heartbeat);
  const timer = setInterval(() => Atomics.add(beat, 0, 1), Math.min(1000, Math.max(25, timeoutMs / 8)));
  timer.unref();
  const worker = new Worker(GUARD_SOURCE, {
    eval: true,
    workerData: { heartbeat, dir, timeoutMs },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
  });
  worker.unref();
  return {
    async stop() {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}
