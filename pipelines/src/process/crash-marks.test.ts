import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CrashMarks } from './crash-marks.ts';

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'otelgate-marks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash marks', () => {
  it('reads a mark left by a worker that died as a suspicion with one more death, lifted once committed past', () => {
    const marksDir = join(dir, 'left');
    const first = new CrashMarks(marksDir, logger);
    first.note('traces', 3, 10n, 19n);
    expect(readdirSync(marksDir)).toEqual(['traces-3.json']);
    // The process dies here: nothing settles. A new worker starts on the same directory.
    const second = new CrashMarks(marksDir, logger);
    expect(second.isSuspect('traces', 3, 0n, 9n)).toBe(false);
    expect(second.isSuspect('traces', 3, 15n, 30n)).toBe(true);
    expect(second.crashesAt('traces', 3, 12n)).toMatchObject({ crashes: 1, first: 10n, last: 19n });
    expect(second.crashesAt('logs', 3, 12n)).toBeUndefined();
    second.settled('traces', 3, 19n);
    expect(second.isSuspect('traces', 3, 10n, 19n)).toBe(false);
    expect(existsSync(join(marksDir, 'traces-3.json'))).toBe(false);
  });

  it('runs unguarded, without throwing, when its directory cannot be created', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const marks = new CrashMarks(join(file, 'marks'), logger);
    expect(marks.directory).toBeUndefined();
    marks.note('traces', 0, 1n, 2n);
    marks.settled('traces', 0, 2n);
  });
});
