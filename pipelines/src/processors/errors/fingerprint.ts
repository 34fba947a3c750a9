// The error fingerprint: a stable hash of the exception type plus the normalized top
// application frames; with no stack, of the type plus the normalized message. Line numbers
// are left out when the frame has a function name, so edits elsewhere in the file (or in
// other files) keep the fingerprint; hosts, deploy paths and bundle hashes are left out too.
import { createHash } from 'node:crypto';
import { normalizeMessage } from './normalize-message.ts';
import type { StackFrame } from './stack/stack-frame.ts';

export function normalizeFunction(fn: string): string {
  return fn
    .replace(/ \[as [^\]]*\]$/, '')
    .replace(/\$\d+/g, '$N') // Java lambdas: lambda$find$0
    .replace(/\bfunc\d+(?:\.\d+)*/g, 'funcN') // Go closures: main.main.func1.2
    .replace(/b__\d+(?:_\d+)?/g, 'b__N') // C# lambdas: <Get>b__12_0
    .replace(/lambda_method\d+/g, 'lambda_method');
}

/** The file name without directories, URL origin, query or bundle content hash: stable across hosts and builds. */
export function normalizeFile(file: string): string {
  let name = file.replace(/[?#].*$/, '');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return name.replace(/[.-][0-9a-f]{6,}(?=\.[a-z]+$)/i, '');
}

export function frameKey(frame: StackFrame): string {
  const fn = normalizeFunction(frame.function);
  const file = normalizeFile(frame.file);
  return fn ? `${fn} ${file}` : `${file}:${frame.line ?? ''}`;
}

/** The frames the fingerprint uses: the top `count` application frames, or the top frames when none is the application's. */
export function fingerprintFrames(frames: readonly StackFrame[], count: number): StackFrame[] {
  const app = frames.filter((f) => f.inApp);
  return (app.length > 0 ? app : frames).slice(0, count);
}

export function fingerprint(
  type: string,
  frames: readonly StackFrame[],
  message: string | undefined,
  frameCount: number,
): string {
  const hash = createHash('sha256').update(type).update('\n');
  const used = fingerprintFrames(frames, frameCount);
  if (used.length > 0) for (const frame of used) hash.update(frameKey(frame)).update('\n');
  else hash.update(normalizeMessage(message ?? ''));
  return hash.digest('hex').slice(0, 32);
}
