import { metrics } from '@opentelemetry/api';
import { type Metric, onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';

/** LCP, INP, CLS, FCP and TTFB as histograms `web_vitals.<name>` (ms; CLS unitless). */
export function reportWebVitals(): void {
  const meter = metrics.getMeter('@otelgate/web/web-vitals');
  const histograms = new Map<string, ReturnType<typeof meter.createHistogram>>();
  const record = (metric: Metric) => {
    const name = `web_vitals.${metric.name.toLowerCase()}`;
    let histogram = histograms.get(name);
    if (!histogram) {
      histogram = meter.createHistogram(name, { unit: metric.name === 'CLS' ? '1' : 'ms' });
      histograms.set(name, histogram);
    }
    histogram.record(metric.value, { rating: metric.rating, 'url.path': location.pathname });
  };
  // reportAllChanges: a value is reported as soon as it is known, not only at page hide.
  for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(record, { reportAllChanges: true });
}
