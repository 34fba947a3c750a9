// Severity words as applications write them, to OpenTelemetry SeverityNumber (logs data model).
const NUMBERS: Record<string, number> = {
  trace: 1,
  debug: 5,
  dbg: 5,
  info: 9,
  information: 9,
  informational: 9,
  notice: 10,
  warn: 13,
  warning: 13,
  error: 17,
  err: 17,
  critical: 18,
  crit: 18,
  severe: 18,
  alert: 19,
  fatal: 21,
  emerg: 21,
  emergency: 21,
  panic: 21,
};

/** SeverityNumber for a level word (case-insensitive), 0 (unspecified) when unknown. */
export function severityNumberOf(text: string): number {
  return NUMBERS[text.toLowerCase()] ?? 0;
}
