import { SpanKind, trace } from '@opentelemetry/api';

/** A span per click on an element, named `click <tag>`, with the element's id and text. */
export function traceClicks(): void {
  const tracer = trace.getTracer('@otelgate/web/clicks');
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : undefined;
      if (!target) return;
      const span = tracer.startSpan(`click ${target.tagName.toLowerCase()}`, {
        kind: SpanKind.INTERNAL,
        attributes: {
          'event.type': 'click',
          'target.id': target.id || '',
          'target.text': (target.textContent ?? '').trim().slice(0, 64),
          'url.full': location.href,
        },
      });
      // Ends after the handlers of this click ran (and started their fetches).
      setTimeout(() => span.end(), 0);
    },
    { capture: true },
  );
}
