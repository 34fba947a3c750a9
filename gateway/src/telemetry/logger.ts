import pino, { type Logger } from 'pino';
import type { LogConfig } from '../config/schema.ts';
import { openLogFile } from './log-file.ts';

/**
 * The gateway's JSON-lines logger: stdout, and a rotated file when `log.file` is set. pino
 * escapes every string value as JSON, so CR/LF and ANSI codes inside logged values can never
 * break a line or reach a terminal raw.
 */
export function createLogger(config: LogConfig, stdout: pino.DestinationStream = pino.destination(1)): Logger {
  const streams: pino.StreamEntry[] = [{ stream: stdout, level: 'trace' }];
  if (config.file) streams.push({ stream: openLogFile(config.file), level: 'trace' });
  return pino(
    {
      level: process.env.LOG_LEVEL ?? config.level,
      base: { service: 'otelgate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'message',
    },
    streams.length === 1 ? stdout : pino.multistream(streams),
  );
}
