import { existsSync, readFileSync } from 'node:fs';

/** Every OTLP/JSON request the file exporter wrote, one per line. */
export function readFileExport(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  // Only complete lines: the exporter may be mid-write, and a torn last line is not yet a record.
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface JsonSpan {
  spanId: string;
  traceId: string;
  name: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** All spans across the exported requests, in file order. */
export function exportedSpans(path: string): JsonSpan[] {
  const spans: JsonSpan[] = [];
  for (const request of readFileExport(path)) {
    for (const rs of (request.resourceSpans as { scopeSpans: { spans: JsonSpan[] }[] }[]) ?? []) {
      for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
    }
  }
  return spans;
}

/** Polls until `check` returns a value or the deadline passes. */
export async function eventually<T>(
  check: () => T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `eventually` for checks that need to await. */
export async function eventuallyAsync<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
