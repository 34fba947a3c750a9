import { z } from 'zod';

/** Seconds; the OpenTelemetry Collector spanmetrics connector's default buckets (2 ms .. 15 s). */
export const DEFAULT_BUCKETS_SECONDS = [
  0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15,
];

export const spanmetricsConfigSchema = z
  .object({
    /** How often the cumulative metrics are emitted (also on shutdown). */
    intervalMs: z.number().int().min(100).default(15_000),
    /** Metric name prefix, as the Collector's connector names them: `<namespace>.calls`, `<namespace>.duration`. */
    namespace: z.string().min(1).default('traces.span.metrics'),
    /** Duration unit: `s` gives `..._duration_seconds_*` in Prometheus; `ms` is the Collector connector's default. */
    unit: z.enum(['s', 'ms']).default('s'),
    /** Histogram bucket bounds, in seconds whatever the unit. */
    bucketsSeconds: z.array(z.number().positive()).min(1).default(DEFAULT_BUCKETS_SECONDS),
    /** Extra dimensions: span attributes (then resource attributes) by name; `default` when absent (omitted if unset). */
    dimensions: z.array(z.object({ name: z.string().min(1), default: z.string().optional() })).default([]),
    /** Series per tenant; spans of new series past it count into one series marked `otel.metric.overflow=true`. */
    maxSeriesPerTenant: z.number().int().min(1).default(5_000),
    /** Exemplars (trace and span ids) kept per series per interval; 0 turns them off. */
    exemplarsPerSeries: z.number().int().min(0).default(2),
  })
  .strict();

export type SpanmetricsConfig = z.infer<typeof spanmetricsConfigSchema>;
