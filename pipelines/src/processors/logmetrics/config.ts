import { z } from 'zod';
import { customPatternProblem } from '../redact/custom-pattern.ts';
import { DEFAULT_BUCKETS_SECONDS } from '../spanmetrics/config.ts';

/** The label source that reads the record's severity rather than a capture or attribute. */
export const SEVERITY_SOURCE = '@severity';

const labelSchema = z
  .object({
    /** The data point attribute (a Prometheus label after translation: dots become `_`). */
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.]{0,63}$/, 'letters, digits, _ and ., starting with a letter or _'),
    /** A named capture of `pattern`, else a log record attribute, else a resource attribute; `@severity` for the severity. Defaults to `name`. */
    from: z.string().min(1).optional(),
    /** Used when the source has no value; without it the label is left out. */
    default: z.string().optional(),
  })
  .strict();

const metricSchema = z
  .object({
    /** OTLP metric name; the Prometheus exporter adds the unit and `_total` (`http.server.request.duration` + `s` -> `http_server_request_duration_seconds`). */
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.]{0,127}$/, 'letters, digits, _ and ., starting with a letter'),
    description: z.string().default(''),
    type: z.enum(['counter', 'histogram']),
    unit: z.string().default(''),
    match: z
      .object({
        /** Records below this SeverityNumber (1 TRACE .. 17 ERROR .. 24 FATAL) are not counted. */
        minSeverityNumber: z.number().int().min(0).max(24).default(0),
        /** Attribute values that must all be equal (log record attributes, then resource attributes). */
        attributes: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .prefault({}),
    /** RE2 pattern (linear time) on a string body; when set, records whose body does not match are not counted. Named captures (`(?P<ms>\d+)`) feed `value` and `labels`. */
    pattern: z.string().min(1).max(4096).optional(),
    caseInsensitive: z.boolean().default(false),
    /** Capture or attribute holding the number: observed (histogram, required) or added (counter; unset adds 1 per record). */
    value: z.string().min(1).optional(),
    /** Multiplies the value, e.g. `0.001` for milliseconds in the line and unit `s`. */
    scale: z.number().positive().default(1),
    /** Histogram bounds in the metric's unit; by default the spanmetrics bounds (2 ms .. 15 s), in ms when `unit` is `ms`. */
    buckets: z.array(z.number()).min(1).max(64).optional(),
    labels: z.array(labelSchema).max(16).default([]),
  })
  .strict()
  .superRefine((metric, ctx) => {
    if (metric.type === 'histogram' && metric.value === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'a histogram needs `value`: the capture or attribute to observe',
      });
    if (metric.pattern !== undefined) {
      const problem = customPatternProblem(metric.pattern, metric.caseInsensitive);
      if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
    }
    const names = metric.labels.map((l) => l.name);
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated) ctx.addIssue({ code: 'custom', path: ['labels'], message: `label ${repeated} is listed twice` });
  });

export const logmetricsConfigSchema = z
  .object({
    /** How often the cumulative metrics are emitted (also on shutdown). */
    intervalMs: z.number().int().min(100).default(15_000),
    /** Series per tenant over all metrics; records of new series past it count into their metric's overflow series (`otel.metric.overflow=true`). */
    maxSeriesPerTenant: z.number().int().min(1).default(5_000),
    /** Bodies longer than this (characters) are not matched against patterns; counted as dropped (`body_too_long`). */
    maxBodyLength: z.number().int().min(1).default(65_536),
    /** Label values are cut to this many characters. */
    maxLabelValueLength: z.number().int().min(1).default(256),
    metrics: z.array(metricSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    const names = config.metrics.map((m) => m.name);
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated) ctx.addIssue({ code: 'custom', path: ['metrics'], message: `metric ${repeated} is defined twice` });
  });

export type LogmetricsConfig = z.infer<typeof logmetricsConfigSchema>;
export type LogMetricConfig = LogmetricsConfig['metrics'][number];

/** The histogram bounds a metric uses. */
export function bucketsOf(metric: LogMetricConfig): number[] {
  if (metric.buckets) return [...new Set(metric.buckets)].sort((a, b) => a - b);
  return metric.unit === 'ms' ? DEFAULT_BUCKETS_SECONDS.map((b) => b * 1000) : [...DEFAULT_BUCKETS_SECONDS];
}
