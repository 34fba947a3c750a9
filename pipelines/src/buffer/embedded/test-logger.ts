// Tests only: a pino logger whose lines are kept for assertions.
import pino, { type Logger } from 'pino';

export interface CapturedLogger {
  logger: Logger;
  lines: { level: number; msg: string; [key: string]: unknown }[];
}

export function captureLogger(): CapturedLogger {
  const lines: CapturedLogger['lines'] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}
