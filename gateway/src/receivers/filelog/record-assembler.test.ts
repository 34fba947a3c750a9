import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { type AssembledRecord, RecordAssembler } from './record-assembler.ts';

const JAVA = [
  '2024-01-02 03:04:05 ERROR request failed',
  'java.lang.IllegalStateException: boom',
  '\tat com.example.Service.handle(Service.java:42)',
  '\tat com.example.Main.main(Main.java:7)',
  'Caused by: java.io.IOException: disk',
  '\t... 2 more',
];
const PYTHON = [
  '2024-01-02 03:04:06 ERROR unhandled',
  'Traceback (most recent call last):',
  '  File "app.py", line 3, in <module>',
  '    main()',
  'ValueError: bad value',
];

function assemble(lines: string[], pattern?: string, maxBytes = 1 << 20) {
  const records: AssembledRecord[] = [];
  const assembler = new RecordAssembler('', maxBytes, pattern ? RE2JS.compile(pattern) : undefined, (r) =>
    records.push(r),
  );
  let offset = 0;
  for (const line of lines) {
    assembler.push(line, 0n, false, offset, false);
    offset += line.length + 1;
  }
  return { records, assembler };
}

describe('RecordAssembler', () => {
  it('joins Java and Python stack traces to the line that starts them', () => {
    const { records, assembler } = assemble(
      [...JAVA, ...PYTHON, '2024-01-02 03:04:07 INFO next'],
      '^\\d{4}-\\d{2}-\\d{2}',
    );
    expect(records.map((r) => r.text)).toEqual([JAVA.join('\n'), PYTHON.join('\n')]);
    expect(assembler.pendingStart).toBe([...JAVA, ...PYTHON].join('\n').length + 1);
    assembler.flush();
    expect(records.at(-1)?.text).toBe('2024-01-02 03:04:07 INFO next');
    expect(assembler.pendingStart).toBeUndefined();
  });

  it('emits every line alone without a pattern', () => {
    expect(assemble(['a', 'b']).records.map((r) => r.text)).toEqual(['a', 'b']);
  });

  it('recombines partial entries and keeps the first entry offset as pending start', () => {
    const records: AssembledRecord[] = [];
    const assembler = new RecordAssembler('stdout', 1 << 20, undefined, (r) => records.push(r));
    assembler.push('first ', 5n, true, 100, false);
    assembler.push('second ', 6n, true, 150, false);
    expect(assembler.pendingStart).toBe(100);
    assembler.push('end', 7n, false, 200, false);
    expect(records).toEqual([
      { text: 'first second end', start: 100, timeUnixNano: 5n, stream: 'stdout', truncated: false },
    ]);
  });

  it('cuts a record at maxBytes and says so', () => {
    const { records, assembler } = assemble(['start', 'x'.repeat(100), 'y'.repeat(100)], '^start', 50);
    assembler.flush();
    expect(records[0].text.length).toBe(50);
    expect(records[0].truncated).toBe(true);
  });
});
