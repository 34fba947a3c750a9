// OTLP names to Prometheus names, per the OpenTelemetry specification's Prometheus
// compatibility section (the classic, non-UTF-8 character set that Prometheus 2.x accepts).

const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};

const PER_WORDS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** `[a-zA-Z_:][a-zA-Z0-9_:]*`: other characters become `_`, runs of `_` collapse. */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

/** Label names: `[a-zA-Z_][a-zA-Z0-9_]*`; a leading digit gets `key_`, a single leading `_` gets `key`. */
export function sanitizeLabelName(name: string): string {
  if (name.length === 0) return '';
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  else if (out.startsWith('_') && !out.startsWith('__')) out = `key${out}`;
  return out;
}

/** The unit as name words: `ms` -> `milliseconds`, `m/s` -> `meters_per_second`, `{request}` -> ''. */
export function unitSuffix(unit: string): string {
  const cleaned = unit.replace(/\{[^}]*\}/g, '').trim();
  if (cleaned.length === 0 || cleaned === '1') return '';
  const slash = cleaned.indexOf('/');
  if (slash >= 0) {
    const main = cleaned.slice(0, slash);
    const per = cleaned.slice(slash + 1);
    const mainWord = main.length > 0 ? (UNIT_WORDS[main] ?? main) : '';
    const perWord = PER_WORDS[per] ?? UNIT_WORDS[per] ?? per;
    return sanitizeMetricName(mainWord.length > 0 ? `${mainWord}_per_${perWord}` : `per_${perWord}`).replace(
      /^_+|_+$/g,
      '',
    );
  }
  return sanitizeMetricName(UNIT_WORDS[cleaned] ?? cleaned).replace(/^_+|_+$/g, '');
}

export type NameKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * The full Prometheus metric name: sanitized, the unit appended unless already there,
 * `_ratio` for unit-1 gauges, `_total` for monotonic counters.
 */
export function metricName(name: string, unit: string, kind: NameKind, addSuffixes: boolean): string {
  let out = sanitizeMetricName(name);
  if (!addSuffixes) return out;
  const suffix = unitSuffix(unit);
  if (kind === 'counter') out = out.replace(/_total$/, '');
  if (suffix.length > 0 && !out.endsWith(`_${suffix}`)) out = `${out}_${suffix}`;
  if (unit === '1' && kind === 'gauge' && !out.endsWith('_ratio')) out = `${out}_ratio`;
  if (kind === 'counter') out = `${out}_total`;
  return out;
}
