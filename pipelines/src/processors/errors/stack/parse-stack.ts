// Recognises which runtime printed a stack trace and parses it. Input is capped before it
// gets here and lines are capped; every per-line test is anchored and linear in the line.
import { parseDotnet } from './dotnet.ts';
import { AT_FRAME, parseFirefoxSafari } from './firefox-safari.ts';
import { parseGo } from './go.ts';
import { JAVA_FRAME, parseJava } from './java.ts';
import { parsePython } from './python.ts';
import type { ParsedStack } from './stack-frame.ts';
import { parseV8 } from './v8.ts';

const V8_TAIL = /:\d+:\d+\)?$|\((?:native|<anonymous>|index \d+)\)$/;
const DOTNET_TAIL = /\)$|:line \d+$/;

// Start-anchored tests and end-anchored tails with bounded parts: linear in the line.
function isV8Frame(line: string): boolean {
  const t = line.trim();
  return t.startsWith('at ') && V8_TAIL.test(t);
}

function isDotnetFrame(line: string): boolean {
  const t = line.trim();
  return t.startsWith('at ') && t.includes('(') && DOTNET_TAIL.test(t);
}
const MAX_LINE = 2048;

/** The parsed trace, or undefined when `text` holds no stack trace (fewer than one recognised frame). */
export function parseStack(text: string, maxFrames: number): ParsedStack | undefined {
  const lines = text.split(/\r?\n/).map((line) => (line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line));
  if (text.includes('Traceback (most recent call last)')) return nonEmpty(parsePython(lines, maxFrames));
  if (/^goroutine \d+ \[/m.test(text)) return nonEmpty(parseGo(lines, maxFrames));
  let v8 = 0;
  let java = 0;
  let dotnet = 0;
  let at = 0;
  let safari = false;
  for (const line of lines) {
    if (JAVA_FRAME.test(line)) java++;
    else if (isV8Frame(line)) v8++;
    else if (isDotnetFrame(line)) dotnet++;
    else if (AT_FRAME.test(line.trim())) {
      at++;
      if (line.includes('[native code]') || line.startsWith('global code@') || line.startsWith('module code@'))
        safari = true;
    }
  }
  const best = Math.max(v8, java, dotnet, at);
  if (best === 0) return undefined;
  if (best === java) return nonEmpty(parseJava(lines, maxFrames));
  if (best === v8) return nonEmpty(parseV8(lines, maxFrames));
  if (best === dotnet) return nonEmpty(parseDotnet(lines, maxFrames));
  return nonEmpty(parseFirefoxSafari(lines, maxFrames, safari ? 'safari' : 'firefox'));
}

function nonEmpty(stack: ParsedStack): ParsedStack | undefined {
  return stack.frames.length > 0 ? stack : undefined;
}
