import { context, type Span, SpanKind, trace } from '@opentelemetry/api';

/** The click span of each click event while its listeners run. */
const clickSpans = new WeakMap<Event, Span>();
/** Our wrapper of each click listener, so removeEventListener finds it. */
const wrappers = new WeakMap<EventListenerOrEventListenerObject, EventListener>();

/**
 * A span per click on an element, named `click <tag>`, with the element's id and text. The page's
 * click listeners run with that span active, so a fetch or XHR a handler starts belongs to the
 * click's trace, as a child of the click span (what the user-interaction instrumentation does).
 */
export function traceClicks(): void {
  const tracer = trace.getTracer('@otelgate/web/clicks');
  // Capturing on window runs before any listener of the page's elements.
  addEventListener(
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
      clickSpans.set(event, span);
      // Ends after the handlers of this click ran (and started their fetches).
      setTimeout(() => span.end(), 0);
    },
    { capture: true },
  );
  runClickListenersInTheirSpan();
}

function runClickListenersInTheirSpan(): void {
  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  proto.addEventListener = function (this: EventTarget, type, listener, options) {
    if (type !== 'click' || !listener) return add.call(this, type, listener, options);
    let wrapper = wrappers.get(listener);
    if (!wrapper) {
      const original = listener;
      wrapper = function (this: unknown, event: Event) {
        const call = () => (typeof original === 'function' ? original.call(this, event) : original.handleEvent(event));
        const span = clickSpans.get(event);
        return span ? context.with(trace.setSpan(context.active(), span), call) : call();
      };
      wrappers.set(listener, wrapper);
    }
    return add.call(this, type, wrapper, options);
  };
  proto.removeEventListener = function (this: EventTarget, type, listener, options) {
    const wrapper = type === 'click' && listener ? wrappers.get(listener) : undefined;
    return remove.call(this, type, wrapper ?? listener, options);
  };
}
