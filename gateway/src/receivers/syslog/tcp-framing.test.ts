import { describe, expect, it } from 'vitest';
import { type FrameEvent, SyslogFramer } from './tcp-framing.ts';

function frames(chunks: (string | Buffer)[], max = 64): FrameEvent[] {
  const framer = new SyslogFramer(max);
  const events: FrameEvent[] = [];
  for (const chunk of chunks) framer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), (e) => events.push(e));
  return events;
}

const texts = (events: FrameEvent[]) =>
  events.map((e) => (e.kind === 'message' ? `${e.bytes.toString()}${e.truncated ? '[cut]' : ''}` : e.kind));

describe('SyslogFramer', () => {
  it('splits octet-counted messages, also across chunk boundaries and with newlines inside', () => {
    expect(texts(frames(['5 hel', 'lo10 two\nlines!', '3 abc']))).toEqual(['hello', 'two\nlines!', 'abc']);
  });

  it('splits newline-framed messages, with CRLF and an unfinished last line held', () => {
    const framer = new SyslogFramer(64);
    const events: FrameEvent[] = [];
    framer.push(Buffer.from('<1>a\r\n<1>b\n<1>c'), (e) => events.push(e));
    expect(texts(events)).toEqual(['<1>a', '<1>b']);
    expect(framer.heldBytes).toBe(4);
    framer.push(Buffer.from('d\n'), (e) => events.push(e));
    expect(texts(events)).toEqual(['<1>a', '<1>b', '<1>cd']);
  });

  it('mixes both framings on one connection', () => {
    expect(texts(frames(['<1>a\n4 <1>b<1>c\n']))).toEqual(['<1>a', '<1>b', '<1>c']);
  });

  it('skips an octet-counted message announcing more than the limit without holding it', () => {
    const framer = new SyslogFramer(16);
    const events: FrameEvent[] = [];
    framer.push(Buffer.from(`100 ${'x'.repeat(50)}`), (e) => events.push(e));
    expect(framer.heldBytes).toBe(0);
    framer.push(Buffer.from(`${'x'.repeat(50)}3 abc`), (e) => events.push(e));
    expect(texts(events)).toEqual(['too-large', 'abc']);
  });

  it('cuts a newline-framed message at the limit and skips the rest of its line', () => {
    expect(texts(frames([`<1>${'y'.repeat(30)}`, `${'y'.repeat(30)}\n<1>next\n`], 16))).toEqual([
      `<1>${'y'.repeat(13)}[cut]`,
      '<1>next',
    ]);
  });

  it('holds at most the limit for a line that never ends', () => {
    const framer = new SyslogFramer(1024);
    for (let i = 0; i < 100; i++) framer.push(Buffer.alloc(1000, 120), () => {});
    expect(framer.heldBytes).toBeLessThanOrEqual(1024);
  });

  it('reports a count not followed by a space and resynchronises at the next line', () => {
    expect(texts(frames(['12x garbage\n<1>ok\n']))).toEqual(['bad-frame', '<1>ok']);
  });
});
