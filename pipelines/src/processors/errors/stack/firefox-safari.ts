// Firefox and Safari (JavaScriptCore) traces: `fn@url:line:col` per line, no message header.
//   handleClick@https://shop.example.com/static/js/main.3f2a1b.js:1:12345
//   global code@https://shop.example.com/:12:3          (Safari)
//   forEach@[native code]                               (Safari)
import { frame, type ParsedStack, type StackFrame, type StackLanguage, splitLocation } from './stack-frame.ts';

export const AT_FRAME = /^(?:(?:global|module|eval) code|[^\s@]*)@(?:\S+|\[native code\])$/;

export function parseFirefoxSafari(lines: readonly string[], maxFrames: number, language: StackLanguage): ParsedStack {
  const frames: StackFrame[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    const at = line.lastIndexOf('@');
    if (at < 0 || !AT_FRAME.test(line)) continue;
    if (frames.length >= maxFrames) break;
    let fn = line.slice(0, at);
    // Firefox's anonymous-function suffixes: `outer/<`, `outer/inner<`
    fn = fn.replace(/\/<+$|<+$/g, '').replace(/\/.*$/, '');
    const { file, line: ln, column } = splitLocation(line.slice(at + 1));
    frames.push(frame(fn === 'global code' || fn === 'module code' ? '' : fn, file, ln, column));
  }
  return { language, type: undefined, message: undefined, frames };
}
