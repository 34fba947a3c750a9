import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

type Pending = { method: string; url: string };

/**
 * A CLIENT span per XMLHttpRequest. Trace context headers go only to URLs `shouldPropagate` accepts,
 * so third-party origins never see them (and never fail CORS preflight because of them).
 * Our own: `@opentelemetry/instrumentation-xml-http-request` has no release for the 3.x SDK.
 */
export function traceXhr(shouldPropagate: (url: string) => boolean, ignore: (url: string) => boolean): void {
  if (typeof XMLHttpRequest === 'undefined') return;
  const tracer = trace.getTracer('@otelgate/web/xhr');
  const pending = new WeakMap<XMLHttpRequest, Pending>();
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;

  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    pending.set(this, { method: method.toUpperCase(), url: new URL(String(url), location.href).href });
    return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;

  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const request = pending.get(this);
    if (!request || ignore(request.url)) return send.call(this, body);
    const span = tracer.startSpan(`HTTP ${request.method}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': request.method, 'url.full': request.url, xhr: true },
    });
    if (shouldPropagate(request.url)) {
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), headers);
      for (const [name, value] of Object.entries(headers)) this.setRequestHeader(name, value);
    }
    this.addEventListener('loadend', () => {
      span.setAttribute('http.response.status_code', this.status);
      if (this.status === 0 || this.status >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: this.status === 0 ? 'network error' : undefined });
      }
      span.end();
    });
    return send.call(this, body);
  };
}
