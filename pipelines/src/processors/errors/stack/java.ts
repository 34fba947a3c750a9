// JVM traces. The first block is the thrown exception; `Caused by:` blocks follow.
//   java.lang.IllegalStateException: order 42 not found
//       at com.example.orders.OrderService.load(OrderService.java:42)
//       at java.base/java.util.Optional.orElseThrow(Optional.java:403)
//       ... 12 more
import { frame, type ParsedStack, type StackFrame } from './stack-frame.ts';

export const JAVA_FRAME =
  /^\s*at [^\s(]+\((?:[^()]*\.(?:java|kt|scala|groovy|clj):\d+|Native Method|Unknown Source)\)$/;
const FRAME = /^\s*at ([^\s(]+)\(([^()]*)\)$/;

export function parseJava(lines: readonly string[], maxFrames: number): ParsedStack {
  const frames: StackFrame[] = [];
  let header: string | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('Caused by:') || line.startsWith('Suppressed:')) break;
    const m = FRAME.exec(line);
    if (!m) {
      if (frames.length === 0 && header === undefined && line !== '' && !line.startsWith('...')) header = line;
      continue;
    }
    if (frames.length >= maxFrames) break;
    // `java.base/java.util.Optional.orElseThrow`, `app//com.example.Foo.bar`: drop the module
    const qualified = m[1].slice(m[1].lastIndexOf('/') + 1);
    const [file, ln] = m[2].split(':');
    frames.push(frame(qualified, file, ln === undefined ? undefined : Number(ln)));
  }
  let type: string | undefined;
  let message: string | undefined;
  if (header) {
    const text = header.replace(/^Exception in thread "[^"]*" /, '');
    const colon = text.indexOf(': ');
    type = colon >= 0 ? text.slice(0, colon) : text;
    message = colon >= 0 ? text.slice(colon + 2) : undefined;
  }
  return { language: 'java', type, message, frames };
}
