// Node.js and Chromium (V8) traces:
//   TypeError: Cannot read properties of undefined (reading 'id')
//       at OrderService.load (/app/src/orders.js:42:17)
//       at async Promise.all (index 0)
//       at file:///app/src/main.mjs:10:5
import { frame, type ParsedStack, type StackFrame, splitLocation } from './stack-frame.ts';

export const V8_FRAME = /^\s*at .+$/;

export function parseV8(lines: readonly string[], maxFrames: number): ParsedStack {
  const frames: StackFrame[] = [];
  let header: string | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line.startsWith('at ')) {
      if (frames.length === 0 && header === undefined && line !== '') header = line;
      continue;
    }
    if (frames.length >= maxFrames) break;
    let body = line.slice(3);
    if (body.startsWith('async ')) body = body.slice(6);
    let fn = '';
    let location = body;
    const open = body.indexOf(' (');
    if (body.endsWith(')') && open >= 0) {
      fn = body.slice(0, open);
      location = body.slice(open + 2, -1);
      // `eval at fn (file:1:2), <anonymous>:1:1`: the outer location is the useful one
      const evalAt = location.lastIndexOf('(');
      if (location.startsWith('eval at ') && evalAt >= 0) location = location.slice(evalAt + 1).split(')')[0];
    }
    if (fn.startsWith('new ')) fn = fn.slice(4);
    if (location === 'native' || location.startsWith('index ')) location = '<native>';
    const { file, line: ln, column } = splitLocation(location);
    frames.push(frame(fn, file, ln, column));
  }
  const { type, message } = splitHeader(header);
  return { language: 'v8', type, message, frames };
}

/** `TypeError: message` / `Error` / `Uncaught ReferenceError: x is not defined`. */
export function splitHeader(header: string | undefined): { type: string | undefined; message: string | undefined } {
  if (!header) return { type: undefined, message: undefined };
  const text = header.startsWith('Uncaught ') ? header.slice(9) : header;
  const colon = text.indexOf(': ');
  const type = colon >= 0 ? text.slice(0, colon) : text;
  if (!/^[A-Za-z_$][\w$.]*$/.test(type) || type.length > 200) return { type: undefined, message: text };
  return { type, message: colon >= 0 ? text.slice(colon + 2) : undefined };
}
