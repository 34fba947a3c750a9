// .NET traces. Inner exceptions appear as ` ---> Type: message` in the header.
//   System.InvalidOperationException: Sequence contains no elements
//      at System.Linq.ThrowHelper.ThrowNoElementsException()
//      at Shop.Orders.OrderService.Get(Int32 id) in /src/Shop/Orders/OrderService.cs:line 42
import { frame, type ParsedStack, type StackFrame } from './stack-frame.ts';

const LINE_SUFFIX = /:line (\d+)$/;

/** `at Ns.Type.Method(args) in path:line N` split with string operations (no backtracking). */
function parseFrame(line: string): { fn: string; file: string; line: number | undefined } | undefined {
  if (!line.startsWith('at ')) return undefined;
  let rest = line.slice(3);
  let file = '';
  let ln: number | undefined;
  const suffix = LINE_SUFFIX.exec(rest);
  if (suffix) {
    const inAt = rest.lastIndexOf(' in ', suffix.index);
    if (inAt >= 0) {
      file = rest.slice(inAt + 4, suffix.index);
      ln = Number(suffix[1]);
      rest = rest.slice(0, inAt);
    }
  }
  const paren = rest.indexOf('(');
  if (paren <= 0 || !rest.endsWith(')')) return undefined;
  return { fn: rest.slice(0, paren), file, line: ln };
}

export function parseDotnet(lines: readonly string[], maxFrames: number): ParsedStack {
  const frames: StackFrame[] = [];
  let header: string | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('--- End of')) continue;
    const m = parseFrame(line);
    if (!m) {
      if (frames.length === 0 && header === undefined && line !== '') header = line;
      continue;
    }
    if (frames.length >= maxFrames) break;
    // `Enumerable.First[TSource]` -> `Enumerable.First`
    const fn = m.fn.replace(/\[[^\]]*\]$/, '');
    frames.push(frame(fn, m.file, m.line));
  }
  let type: string | undefined;
  let message: string | undefined;
  if (header) {
    const outer = header.split(' ---> ')[0];
    const colon = outer.indexOf(': ');
    type = colon >= 0 ? outer.slice(0, colon) : outer;
    message = colon >= 0 ? outer.slice(colon + 2) : undefined;
  }
  return { language: 'dotnet', type, message, frames };
}
