// The two container runtime log formats, one line at a time. Hand-written: this runs for every
// line read, and both formats are simple enough that a parser library would only add cost.
import { rfc3339ToUnixNano } from '../logs/rfc3339.ts';

export type LineFormat = 'docker' | 'cri' | 'plain';

export interface ContainerLine {
  text: string;
  stream: string;
  timeUnixNano: bigint;
  /** More of the same line follows in the next entry (Docker: no trailing `\n`; CRI: tag `P`). */
  partial: boolean;
}

// <RFC 3339 time> <stdout|stderr> <P|F>[:more tags] <content>
const CRI_PREFIX = /^\S+ (?:stdout|stderr) [PF]\S* /;

/** The format of a file, told by its first line. */
export function detectFormat(firstLine: string): LineFormat {
  if (firstLine.startsWith('{"log":') && parseDockerLine(firstLine)) return 'docker';
  if (CRI_PREFIX.test(firstLine)) return 'cri';
  return 'plain';
}

/** `{"log":"text\n","stream":"stdout","time":"..."}`, or undefined when the line is not that. */
export function parseDockerLine(line: string): ContainerLine | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { log, stream, time } = entry as Record<string, unknown>;
  if (typeof log !== 'string') return undefined;
  const partial = !log.endsWith('\n');
  return {
    text: partial ? log : log.slice(0, -1),
    stream: typeof stream === 'string' ? stream : '',
    timeUnixNano: (typeof time === 'string' && rfc3339ToUnixNano(time)) || 0n,
    partial,
  };
}

/** `2024-01-01T00:00:00.000000001Z stdout F text`, or undefined when the line is not that. */
export function parseCriLine(line: string): ContainerLine | undefined {
  const timeEnd = line.indexOf(' ');
  if (timeEnd <= 0) return undefined;
  const streamEnd = line.indexOf(' ', timeEnd + 1);
  if (streamEnd < 0) return undefined;
  const stream = line.slice(timeEnd + 1, streamEnd);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  let tagEnd = line.indexOf(' ', streamEnd + 1);
  // An empty F line may end right after its tag.
  if (tagEnd < 0) tagEnd = line.length;
  const tag = line.charCodeAt(streamEnd + 1);
  if (tag !== 80 /* P */ && tag !== 70 /* F */) return undefined;
  return {
    text: line.slice(tagEnd + 1),
    stream,
    timeUnixNano: rfc3339ToUnixNano(line.slice(0, timeEnd)) ?? 0n,
    partial: tag === 80,
  };
}
