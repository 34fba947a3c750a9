import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStack } from './parse-stack.ts';

const dir = new URL('../testdata/stack-traces/', import.meta.url);
const expected: Record<
  string,
  { language: string; type: string | null; frames: number; top: [string, string, number | null]; app: string[] }
> = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));

describe('stack trace parsers on real-format traces', () => {
  it.each(Object.entries(expected))('parses %s', (file, want) => {
    const stack = parseStack(readFileSync(new URL(file, dir), 'utf8'), 256);
    expect(stack).toBeDefined();
    expect(stack!.language).toBe(want.language);
    expect(stack!.type ?? null).toBe(want.type);
    expect(stack!.frames).toHaveLength(want.frames);
    const top = stack!.frames[0];
    expect([top.function, top.file, top.line ?? null]).toEqual(want.top);
    expect(stack!.frames.filter((f) => f.inApp).map((f) => f.function)).toEqual(want.app);
  });

  it('finds no stack in ordinary text', () => {
    expect(parseStack('user logged in at 10:15\nall good', 256)).toBeUndefined();
    expect(parseStack('', 256)).toBeUndefined();
  });

  it('stops at the frame limit', () => {
    const trace = [
      'Error: deep',
      ...Array.from({ length: 1000 }, (_, i) => `    at f${i} (/app/src/deep.js:${i + 1}:1)`),
    ].join('\n');
    expect(parseStack(trace, 50)!.frames).toHaveLength(50);
  });

  it('parses a 64 KB hostile trace in linear time', () => {
    const hostile = `Error: x\n${`    at ${'( in '.repeat(400)}:line 1 (${'a:1'.repeat(100)}\n`.repeat(60)}`.slice(
      0,
      65_536,
    );
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const started = process.cpuUsage(); // CPU time: robust on a shared CI machine
      parseStack(hostile, 256);
      const used = process.cpuUsage(started);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    expect(best).toBeLessThan(50);
  });
});
