import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('writes one JSON line per entry even when values carry CR/LF and ANSI codes', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'info' }, stream as never).child({ component: 'test' });
    logger.info({ attribute: 'evil\r\n{"level":"fatal"}\u001b[31mred' }, 'line with\nnewline');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'info', component: 'test', message: 'line with\nnewline' });
    expect(entry.attribute).toBe('evil\r\n{"level":"fatal"}\u001b[31mred');
    expect(lines[0]).not.toContain('\u001b');
    expect(typeof entry.time).toBe('string');
  });
});
