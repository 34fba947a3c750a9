// Go panics and runtime/debug.Stack() output: a function line, then a tab-indented file line.
//   panic: runtime error: index out of range [5] with length 3
//
//   goroutine 1 [running]:
//   main.(*Server).handle(0xc000010000, {0x10a1d20, 0x5})
//   	/home/dev/app/server.go:45 +0x65
import { frame, type ParsedStack, type StackFrame } from './stack-frame.ts';

const FILE_LINE = /^\t(.+?):(\d+)(?: \+0x[0-9a-f]+)?$/;

export function parseGo(lines: readonly string[], maxFrames: number): ParsedStack {
  const frames: StackFrame[] = [];
  let header: string | undefined;
  let inGoroutine = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('panic: ') || line.startsWith('fatal error: ')) {
      header ??= line;
      continue;
    }
    if (line.startsWith('goroutine ')) {
      if (inGoroutine) break; // only the first (panicking) goroutine
      inGoroutine = true;
      continue;
    }
    if (!inGoroutine || line.startsWith('\t') || line === '') continue;
    const next = FILE_LINE.exec(lines[i + 1] ?? '');
    if (!next) continue;
    if (frames.length >= maxFrames) break;
    // `main.(*Server).handle(0xc000010000, ...)` -> `main.(*Server).handle`
    const paren = line.lastIndexOf('(');
    const fn = line.endsWith(')') && paren > 0 ? line.slice(0, paren) : line;
    frames.push(frame(fn.replace(/^created by /, '').replace(/ in goroutine \d+$/, ''), next[1], Number(next[2])));
    i++;
  }
  let type: string | undefined;
  let message: string | undefined;
  if (header) {
    const colon = header.indexOf(': ');
    type = header.slice(0, colon); // panic | fatal error
    message = header.slice(colon + 2).replace(/ \[recovered\]$/, '');
  }
  return { language: 'go', type, message, frames };
}
