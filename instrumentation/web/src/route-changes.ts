import { SpanKind, trace } from '@opentelemetry/api';

/** A span per single-page navigation: history.pushState / replaceState and back/forward (popstate). */
export function traceRouteChanges(): void {
  const tracer = trace.getTracer('@otelgate/web/route-change');
  let current = location.href;
  const record = (trigger: string) => {
    const next = location.href;
    if (next === current) return;
    const span = tracer.startSpan('route change', {
      kind: SpanKind.INTERNAL,
      attributes: {
        'event.type': 'route_change',
        'route.trigger': trigger,
        'url.previous': current,
        'url.full': next,
        'url.path': location.pathname,
      },
    });
    current = next;
    // Ends once the app's handlers for the new route ran (and started their requests).
    setTimeout(() => span.end(), 0);
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      record(method);
    };
  }
  addEventListener('popstate', () => record('popstate'));
}
