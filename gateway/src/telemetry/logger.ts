import pino, { type Logger } from 'pino';

/**
 * The gateway's JSON-lines logger. pino escapes every string value as JSON, so CR/LF and
 * ANSI codes inside logged values can never break a line or reach a terminal raw.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL ?? level,
      base: { service: 'otelgate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'message',
    },
    destination,
  );
}
