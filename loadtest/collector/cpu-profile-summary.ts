// Prints the .cpuprofile files a process wrote (--cpu-prof) as the top functions by self time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** Microseconds from the previous sample (the first: from startTime). */
  timeDeltas: number[];
}

/** Hits per node id, counting only the samples taken `skipMs` or more after the profile started. */
function hitsAfter(profile: Profile, skipMs: number): Map<number, number> {
  const hits = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] / 1000;
    if (at < skipMs) continue;
    hits.set(profile.samples[i], (hits.get(profile.samples[i]) ?? 0) + 1);
  }
  return hits;
}

/** `skipMs`: leave out the first milliseconds of each profile (start-up, JIT warm-up). */
export function printProfiles(profileDir: string, top = 25, skipMs = 0): void {
  for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile;
    const hitsById = hitsAfter(profile, skipMs);
    const totalMs = (profile.endTime - profile.startTime) / 1000 - skipMs;
    const msPerSample =
      totalMs /
      Math.max(
        1,
        [...hitsById.values()].reduce((sum, n) => sum + n, 0),
      );
    const self = new Map<string, number>();
    let sampled = 0;
    for (const node of profile.nodes) {
      const hits = hitsById.get(node.id) ?? 0;
      if (hits === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.replace(/^.*\/(node_modules\/|dist\/|node:)/, '$1')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      self.set(key, (self.get(key) ?? 0) + hits);
      sampled += hits;
    }
    const idle = [...self.entries()].filter(([key]) => key.startsWith('(idle)')).reduce((sum, [, n]) => sum + n, 0);
    process.stdout.write(
      `\n${join(profileDir, file)}: ${totalMs.toFixed(0)} ms${skipMs > 0 ? ` after the first ${skipMs} ms` : ''}, busy ${(((sampled - idle) / sampled) * 100).toFixed(0)}%\n`,
    );
    process.stdout.write('self % of busy  self ms  function\n');
    const busy = sampled - idle;
    for (const [key, hits] of [...self.entries()]
      .filter(([key]) => !key.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)) {
      process.stdout.write(
        `${((hits / busy) * 100).toFixed(1).padStart(14)}  ${(hits * msPerSample).toFixed(0).padStart(7)}  ${key}\n`,
      );
    }
  }
}
