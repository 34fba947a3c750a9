// Python tracebacks (most recent call last, so frames are reversed to put the top first). With
// chained exceptions the last traceback is the one that surfaced.
//   Traceback (most recent call last):
//     File "/app/service.py", line 12, in handle
//       return compute(order)
//   ZeroDivisionError: division by zero
import { frame, type ParsedStack, type StackFrame } from './stack-frame.ts';

const FILE_LINE = /^\s*File "([^"]*)", line (\d+)(?:, in (.+))?$/;

export function parsePython(lines: readonly string[], maxFrames: number): ParsedStack {
  let start = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('Traceback (most recent call last)')) start = i;
  const frames: StackFrame[] = [];
  let header: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const m = FILE_LINE.exec(line);
    if (m) {
      frames.push(frame(m[3] ?? '', m[1], Number(m[2])));
      continue;
    }
    if (line !== '' && !line.startsWith(' ') && !line.startsWith('\t')) {
      header = line;
      break;
    }
  }
  frames.reverse();
  let type: string | undefined;
  let message: string | undefined;
  if (header) {
    const colon = header.indexOf(':');
    type = colon >= 0 ? header.slice(0, colon) : header;
    message = colon >= 0 ? header.slice(colon + 1).trim() : undefined;
  }
  return { language: 'python', type, message, frames: frames.slice(0, maxFrames) };
}
