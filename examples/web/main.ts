// Bundled to main.js by esbuild. Query parameters: endpoint (OTLP/HTTP base URL), api (the examples/api
// base URL), key (optional API key), service (service.name, default examples-web), metricIntervalMs.
import { startWebTelemetry } from '@otelgate/web';

const params = new URLSearchParams(location.search);
const api = params.get('api') ?? 'http://127.0.0.1:3000';
const telemetry = startWebTelemetry({
  endpoint: params.get('endpoint') ?? 'http://127.0.0.1:4318',
  serviceName: params.get('service') ?? 'examples-web',
  apiKey: params.get('key') ?? undefined,
  propagateTo: [api],
  metricIntervalMs: Number(params.get('metricIntervalMs') ?? 30_000),
});
(window as unknown as { otelgate: typeof telemetry }).otelgate = telemetry;

const out = document.getElementById('out')!;
document.getElementById('load')!.addEventListener('click', async () => {
  const response = await fetch(`${api}/api/items/5`);
  out.textContent = JSON.stringify(await response.json());
});
document.getElementById('fail')!.addEventListener('click', () => {
  throw new Error('example page failed on purpose');
});
document.getElementById('xhr')!.addEventListener('click', () => {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', `${api}/api/items/6`);
  xhr.addEventListener('load', () => {
    out.textContent = xhr.responseText;
  });
  xhr.send();
});
// A single-page route change: the URL changes without a page load.
document.getElementById('route')!.addEventListener('click', () => {
  history.pushState({ item: 9 }, '', '#/items/9');
  out.textContent = 'route /items/9';
});
