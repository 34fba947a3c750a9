// One frame of a parsed stack trace, top (where the error was raised) first.

export type StackLanguage = 'v8' | 'firefox' | 'safari' | 'python' | 'java' | 'go' | 'dotnet';

export interface StackFrame {
  /** Function or method, qualified as the runtime prints it (`OrderService.load`, `main.(*Server).handle`). */
  function: string;
  /** File path or URL as printed. */
  file: string;
  line: number | undefined;
  column: number | undefined;
  /** False for runtime, standard library and dependency frames. */
  inApp: boolean;
}

export interface ParsedStack {
  language: StackLanguage;
  /** Exception type when the trace names it (`TypeError`, `java.lang.IllegalStateException`). */
  type: string | undefined;
  message: string | undefined;
  frames: StackFrame[];
}

const LIBRARY_MARKERS = [
  'node_modules/',
  '<anonymous>',
  '<native>',
  'site-packages/',
  'dist-packages/',
  '/lib/python',
  '/usr/local/go/src/',
  '/usr/lib/go',
  '/pkg/mod/',
  '[native code]',
  'webpack/bootstrap',
  'chrome-extension://',
  'moz-extension://',
];

const LIBRARY_FUNCTION_PREFIXES = [
  'java.',
  'javax.',
  'jdk.',
  'sun.',
  'com.sun.',
  'kotlin.',
  'kotlinx.',
  'scala.',
  'org.springframework.',
  'org.apache.',
  'io.netty.',
  'System.',
  'Microsoft.',
  'runtime.',
  'net/http.',
  'testing.',
  'reflect.',
];

/** A frame is library code when its file or function says so; everything else is the application. */
const LIBRARY_FILE_PREFIXES = ['node:', 'internal/'];

export function isApplicationFrame(fn: string, file: string): boolean {
  for (const prefix of LIBRARY_FILE_PREFIXES) if (file.startsWith(prefix)) return false;
  for (const marker of LIBRARY_MARKERS) if (file.includes(marker)) return false;
  for (const prefix of LIBRARY_FUNCTION_PREFIXES) if (fn.startsWith(prefix)) return false;
  return true;
}

export function frame(fn: string, file: string, line?: number, column?: number): StackFrame {
  return { function: fn, file, line, column, inApp: isApplicationFrame(fn, file) };
}

/** `file:line:col` / `file:line` split from the right (URLs contain ':' too). */
export function splitLocation(location: string): { file: string; line?: number; column?: number } {
  const last = location.lastIndexOf(':');
  if (last < 0) return { file: location };
  const tail = Number(location.slice(last + 1));
  if (!Number.isInteger(tail) || location.slice(last + 1) === '') return { file: location };
  const before = location.slice(0, last);
  const second = before.lastIndexOf(':');
  const middle = second >= 0 ? before.slice(second + 1) : '';
  if (second >= 0 && middle !== '' && Number.isInteger(Number(middle))) {
    return { file: before.slice(0, second), line: Number(middle), column: tail };
  }
  return { file: before, line: tail };
}
